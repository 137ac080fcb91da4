/**
 * One paper's activity by UTC day, for the chart on its page: our upvotes,
 * distinct-visitor views, and the star count of its code. Read-only queries
 * over trending's tables (src/trending owns and writes them) and the
 * catalogue's signals; the ranking itself never reads these.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { trendingDb } from '../../trending/trending-tables.js';

export interface DayCount {
  day: string;
  count: number;
}

export interface StarPoint {
  at: string;
  stars: number;
}

export interface PaperHistory {
  votes: DayCount[];
  views: DayCount[];
  stars: StarPoint[];
}

export async function paperHistory(db: Kysely<Database>, seq: number, fromDay: string): Promise<PaperHistory> {
  const tdb = trendingDb(db);
  const [votes, views, repoStars, hfStars] = await Promise.all([
    tdb
      .selectFrom('paper_votes')
      .select([sql<string>`substr(created_at, 1, 10)`.as('day'), sql<number>`count(*)`.as('n')])
      .where('paper_seq', '=', seq)
      .where('created_at', '>=', fromDay)
      .groupBy(sql`substr(created_at, 1, 10)`)
      .orderBy('day')
      .execute(),
    tdb
      .selectFrom('paper_views')
      .select(['day', sql<number>`count(*)`.as('n')])
      .where('paper_seq', '=', seq)
      .where('day', '>=', fromDay)
      .groupBy('day')
      .orderBy('day')
      .execute(),
    tdb
      .selectFrom('repo_star_snapshots')
      .innerJoin('paper_repos', 'paper_repos.repo', 'repo_star_snapshots.repo')
      .select(['repo_star_snapshots.observed_at as at', 'repo_star_snapshots.stars as stars'])
      .where('paper_repos.paper_seq', '=', seq)
      .orderBy('repo_star_snapshots.observed_at')
      .limit(2000)
      .execute(),
    db
      .selectFrom('paper_signals')
      .select(['observed_at as at', 'value as stars'])
      .where('paper_seq', '=', seq)
      .where('metric', '=', 'github_stars')
      .orderBy('observed_at')
      .limit(2000)
      .execute(),
  ]);
  // Our own GitHub polling is the better source; signals from Hugging Face stand in without it.
  const stars = (repoStars.length > 0 ? repoStars : hfStars).map((r) => ({ at: String(r.at), stars: Number(r.stars) }));
  return {
    votes: votes.map((r) => ({ day: String(r.day), count: Number(r.n) })),
    views: views.map((r) => ({ day: String(r.day), count: Number(r.n) })),
    stars,
  };
}
