/** The query module for digest editions and the reports over their messages (CLI status, scheduler). */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { digestDb, type DigestEditionsTable } from './delivery-schema.js';
import type { EditionKey, MessageStatus } from './delivery-types.js';

export interface EditionRow {
  id: number;
  date: string;
  frequency: DigestEditionsTable['frequency'];
  status: DigestEditionsTable['status'];
  created_at: string;
  composed_at: string | null;
  completed_at: string | null;
}

export async function findEdition(db: Kysely<Database>, key: EditionKey): Promise<EditionRow | undefined> {
  return digestDb(db).selectFrom('digest_editions').selectAll().where('date', '=', key.date).where('frequency', '=', key.frequency).executeTakeFirst();
}

/** The edition's row, created on first use; two processes creating it at once both get the same row. */
export async function ensureEdition(db: Kysely<Database>, key: EditionKey, now: Date): Promise<EditionRow> {
  await digestDb(db)
    .insertInto('digest_editions')
    .values({ date: key.date, frequency: key.frequency, status: 'open', created_at: now.toISOString() })
    .onConflict((oc) => oc.columns(['date', 'frequency']).doNothing())
    .execute();
  const row = await findEdition(db, key);
  if (!row) throw new Error(`digest edition ${key.date} ${key.frequency} could not be created`);
  return row;
}

export async function markComposed(db: Kysely<Database>, editionId: number, now: Date): Promise<void> {
  await digestDb(db).updateTable('digest_editions').set({ composed_at: now.toISOString() }).where('id', '=', editionId).execute();
}

/** 'complete' once nothing is pending or sending (a later composition can reopen it), else 'delivering'. */
export async function refreshEditionStatus(db: Kysely<Database>, editionId: number, now: Date): Promise<void> {
  const open = await digestDb(db)
    .selectFrom('digest_messages')
    .select(sql<number>`count(*)`.as('n'))
    .where('edition_id', '=', editionId)
    .where('status', 'in', ['pending', 'sending'])
    .executeTakeFirst();
  const done = Number(open?.n ?? 0) === 0;
  await digestDb(db)
    .updateTable('digest_editions')
    .set(done ? { status: 'complete', completed_at: now.toISOString() } : { status: 'delivering', completed_at: null })
    .where('id', '=', editionId)
    .execute();
}

/** Editions with messages still pending (due now, waiting for a retry, or past their deadline and to be expired). */
export async function editionsWithPending(db: Kysely<Database>): Promise<EditionRow[]> {
  const d = digestDb(db);
  return d
    .selectFrom('digest_editions')
    .selectAll()
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('digest_messages')
          .select(sql`1`.as('one'))
          .whereRef('digest_messages.edition_id', '=', 'digest_editions.id')
          .where('digest_messages.status', '=', 'pending'),
      ),
    )
    .orderBy('date')
    .execute();
}

export async function recentEditions(db: Kysely<Database>, limit: number): Promise<EditionRow[]> {
  return digestDb(db).selectFrom('digest_editions').selectAll().orderBy('date', 'desc').orderBy('frequency').limit(limit).execute();
}

export type StatusCounts = Record<MessageStatus, number>;

export async function statusCounts(db: Kysely<Database>, editionId: number): Promise<StatusCounts> {
  const rows = await digestDb(db)
    .selectFrom('digest_messages')
    .select(['status', sql<number>`count(*)`.as('n')])
    .where('edition_id', '=', editionId)
    .groupBy('status')
    .execute();
  const counts: StatusCounts = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0, unknown: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

export interface ProblemMessage {
  id: number;
  subscriber_id: number;
  email: string;
  status: MessageStatus;
  attempts: number;
  smtp_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
}

/** Messages an operator should look at: failed, unknown, and pending ones that already had an error. */
export async function problemMessages(db: Kysely<Database>, editionId: number, limit: number): Promise<ProblemMessage[]> {
  return digestDb(db)
    .selectFrom('digest_messages')
    .select(['id', 'subscriber_id', 'email', 'status', 'attempts', 'smtp_code', 'last_error', 'next_attempt_at'])
    .where('edition_id', '=', editionId)
    .where((eb) => eb.or([eb('status', 'in', ['failed', 'unknown']), eb.and([eb('status', '=', 'pending'), eb('last_error', 'is not', null)])]))
    .orderBy('status')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** When the earliest waiting retry of the edition is due, if any. */
export async function earliestPendingAttempt(db: Kysely<Database>, editionId: number): Promise<Date | null> {
  const row = await digestDb(db)
    .selectFrom('digest_messages')
    .select(sql<string | null>`min(next_attempt_at)`.as('next'))
    .where('edition_id', '=', editionId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.next ? new Date(row.next) : null;
}
