/**
 * Upvotes by signed-in users: one per user per paper, removable. The query
 * module for `paper_votes`; callers that serve the trending page should go
 * through `TrendingService.castVote`/`removeVote`, which also drop the cached
 * ranking so a voter sees their vote counted.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { chunks, trendingDb } from './trending-tables.js';

/** Records the vote; false if this user had already upvoted the paper. The paper must exist. */
export async function castVote(db: Kysely<Database>, userId: number, seq: number, now: Date = new Date()): Promise<boolean> {
  const result = await trendingDb(db)
    .insertInto('paper_votes')
    .values({ user_id: userId, paper_seq: seq, created_at: now.toISOString() })
    .onConflict((oc) => oc.columns(['user_id', 'paper_seq']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Withdraws the vote; false if there was none. */
export async function removeVote(db: Kysely<Database>, userId: number, seq: number): Promise<boolean> {
  const result = await trendingDb(db)
    .deleteFrom('paper_votes')
    .where('user_id', '=', userId)
    .where('paper_seq', '=', seq)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** All-time upvotes of one paper. */
export async function voteCount(db: Kysely<Database>, seq: number): Promise<number> {
  const row = await trendingDb(db)
    .selectFrom('paper_votes')
    .select(sql<number>`count(*)`.as('n'))
    .where('paper_seq', '=', seq)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** All-time upvotes of several papers (a list page); papers without votes are absent. */
export async function voteCounts(db: Kysely<Database>, seqs: readonly number[]): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const part of chunks([...new Set(seqs)])) {
    const rows = await trendingDb(db)
      .selectFrom('paper_votes')
      .select(['paper_seq', sql<number>`count(*)`.as('n')])
      .where('paper_seq', 'in', part)
      .groupBy('paper_seq')
      .execute();
    for (const row of rows) counts.set(Number(row.paper_seq), Number(row.n));
  }
  return counts;
}

/** Which of `seqs` this user has upvoted (to draw the vote buttons of a list). */
export async function hasVoted(db: Kysely<Database>, userId: number, seqs: readonly number[]): Promise<Set<number>> {
  const voted = new Set<number>();
  for (const part of chunks([...new Set(seqs)])) {
    const rows = await trendingDb(db)
      .selectFrom('paper_votes')
      .select('paper_seq')
      .where('user_id', '=', userId)
      .where('paper_seq', 'in', part)
      .execute();
    for (const row of rows) voted.add(Number(row.paper_seq));
  }
  return voted;
}

/** For account deletion: the votes go with the account (there is no foreign key to do it). */
export async function removeVotesOfUser(db: Kysely<Database>, userId: number): Promise<number> {
  const result = await trendingDb(db).deleteFrom('paper_votes').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
