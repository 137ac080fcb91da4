/**
 * The account tables' queries: users, sessions, used magic-link ids and
 * saved papers. Dialect-neutral Kysely, the only SQL of this area.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { accountsDb } from './account-tables.js';

export interface User {
  id: number;
  email: string;
  createdAt: string;
}

/** The user with this (already normalised) email, created on first sight. */
export async function findOrCreateUser(db: Kysely<Database>, email: string, now: Date): Promise<User> {
  const adb = accountsDb(db);
  await adb
    .insertInto('users')
    .values({ email, created_at: now.toISOString() })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  const row = await adb.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
  return { id: Number(row.id), email: row.email, createdAt: row.created_at };
}

/**
 * Records a token id as used; false when it already was. The primary key
 * makes this atomic, so two concurrent redemptions cannot both succeed.
 */
export async function markTokenUsed(db: Kysely<Database>, jti: string, now: Date): Promise<boolean> {
  const result = await accountsDb(db)
    .insertInto('used_tokens')
    .values({ jti, used_at: now.toISOString() })
    .onConflict((oc) => oc.column('jti').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Used ids older than any token's lifetime can go: an expired token is refused anyway. */
export async function purgeUsedTokens(db: Kysely<Database>, before: Date): Promise<void> {
  await accountsDb(db).deleteFrom('used_tokens').where('used_at', '<', before.toISOString()).execute();
}

export async function insertSession(db: Kysely<Database>, session: { id: string; userId: number; createdAt: Date; expiresAt: Date }): Promise<void> {
  await accountsDb(db)
    .insertInto('sessions')
    .values({ id: session.id, user_id: session.userId, created_at: session.createdAt.toISOString(), expires_at: session.expiresAt.toISOString() })
    .execute();
}

/** The user of an unexpired session. */
export async function findSessionUser(db: Kysely<Database>, sessionId: string, now: Date): Promise<User | undefined> {
  const row = await accountsDb(db)
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id as id', 'users.email as email', 'users.created_at as created_at'])
    .where('sessions.id', '=', sessionId)
    .where('sessions.expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return row ? { id: Number(row.id), email: row.email, createdAt: row.created_at } : undefined;
}

export async function deleteSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await accountsDb(db).deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function deleteExpiredSessions(db: Kysely<Database>, now: Date): Promise<void> {
  await accountsDb(db).deleteFrom('sessions').where('expires_at', '<=', now.toISOString()).execute();
}

export async function savePaper(db: Kysely<Database>, userId: number, paperSeq: number, now: Date): Promise<void> {
  await accountsDb(db)
    .insertInto('saved_papers')
    .values({ user_id: userId, paper_seq: paperSeq, saved_at: now.toISOString() })
    .onConflict((oc) => oc.columns(['user_id', 'paper_seq']).doNothing())
    .execute();
}

export async function unsavePaper(db: Kysely<Database>, userId: number, paperSeq: number): Promise<void> {
  await accountsDb(db).deleteFrom('saved_papers').where('user_id', '=', userId).where('paper_seq', '=', paperSeq).execute();
}

/** Which of these papers the user has saved. */
export async function savedAmong(db: Kysely<Database>, userId: number, seqs: readonly number[]): Promise<Set<number>> {
  if (seqs.length === 0) return new Set();
  const rows = await accountsDb(db)
    .selectFrom('saved_papers')
    .select('paper_seq')
    .where('user_id', '=', userId)
    .where('paper_seq', 'in', [...new Set(seqs)].slice(0, 500))
    .execute();
  return new Set(rows.map((r) => Number(r.paper_seq)));
}

/** A page of the user's saved papers, most recently saved first. */
export async function listSavedSeqs(db: Kysely<Database>, userId: number, limit: number, offset: number): Promise<Array<{ seq: number; savedAt: string }>> {
  const rows = await accountsDb(db)
    .selectFrom('saved_papers')
    .select(['paper_seq', 'saved_at'])
    .where('user_id', '=', userId)
    .orderBy('saved_at', 'desc')
    .orderBy('paper_seq', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => ({ seq: Number(r.paper_seq), savedAt: r.saved_at }));
}

export async function countSaved(db: Kysely<Database>, userId: number): Promise<number> {
  const row = await accountsDb(db)
    .selectFrom('saved_papers')
    .select(sql<number>`count(*)`.as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether a token id was used already (read-only: the confirmation page only looks). */
export async function isTokenUsed(db: Kysely<Database>, jti: string): Promise<boolean> {
  const row = await accountsDb(db).selectFrom('used_tokens').select('jti').where('jti', '=', jti).executeTakeFirst();
  return row !== undefined;
}
