/**
 * Claiming messages to send: the one place where two delivery workers could
 * race, behind one small function. A claim moves due 'pending' messages to
 * 'sending', stamped with the worker's claim tag and time, and returns them.
 *
 * - PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` in the UPDATE's subquery,
 *   so concurrent workers take disjoint rows without waiting for each other.
 * - SQLite: the same UPDATE inside `BEGIN IMMEDIATE`, which takes the write
 *   lock before reading, so two processes can never claim the same row (and
 *   never fail with a stale-snapshot error; the busy timeout makes them queue).
 */
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/connection.js';
import { digestDb, type DigestDb } from './delivery-schema.js';

export interface ClaimedMessage {
  id: number;
  edition_id: number;
  subscriber_id: number;
  email: string;
  message_id: string;
  subject: string;
  /** From digest_message_bodies; null if it went missing (the message then fails rather than go out empty). */
  body: { html: string; text: string; headers: string } | null;
  attempts: number;
  deadline_at: string;
}

/**
 * Claims up to `limit` due messages. `first`, when given, runs in the same
 * transaction before the claim (delivery records its latest results there:
 * one write transaction per round instead of one per message).
 */
export async function claimMessages(handle: DatabaseHandle, editionId: number, claimTag: string, limit: number, now: Date, first?: (db: DigestDb) => Promise<void>): Promise<ClaimedMessage[]> {
  const nowIso = now.toISOString();
  const claim = async (db: DigestDb): Promise<ClaimedMessage[]> => {
    await first?.(db);
    if (limit <= 0) return [];
    // "Due": pending, its next attempt has come, its deadline has not passed. The index
    // (edition_id, status, next_attempt_at) yields these in order without a sort.
    let due = db
      .selectFrom('digest_messages')
      .select('id')
      .where('edition_id', '=', editionId)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .where('deadline_at', '>', nowIso)
      .orderBy('next_attempt_at')
      .limit(limit);
    if (handle.dialect === 'postgres') due = due.forUpdate().skipLocked();
    const claimed = await db
      .updateTable('digest_messages')
      .set((eb) => ({ status: 'sending', claimed_by: claimTag, claimed_at: nowIso, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', due)
      .returning(['id', 'edition_id', 'subscriber_id', 'email', 'message_id', 'subject', 'attempts', 'deadline_at'])
      .execute();
    if (claimed.length === 0) return [];
    const bodies = await db
      .selectFrom('digest_message_bodies')
      .select(['message_id', 'html', 'text', 'headers'])
      .where('message_id', 'in', claimed.map((m) => m.id))
      .execute();
    const byId = new Map(bodies.map((b) => [b.message_id, b]));
    return claimed.map((m) => ({ ...m, body: byId.get(m.id) ?? null }));
  };
  const db = digestDb(handle.db);
  if (handle.dialect === 'postgres') return db.transaction().execute((trx) => claim(trx));
  return db.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn);
    try {
      const rows = await claim(conn);
      await sql`COMMIT`.execute(conn);
      return rows;
    } catch (error) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}
