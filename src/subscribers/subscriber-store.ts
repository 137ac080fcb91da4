/**
 * The query module of the subscription tables: the only place with their SQL.
 * Written with Kysely's portable builders only, so it runs unchanged on
 * SQLite and PostgreSQL.
 */
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Preferences, Topic } from './preferences.js';
import { subscriberDb, type Frequency, type SubscriberStatus, type SubscribersTable, type TopicKind } from './subscriber-tables.js';

export type Executor = Kysely<Database>;

export interface Subscriber {
  id: number;
  email: string;
  status: SubscriberStatus;
  frequency: Frequency;
  sendHour: number;
  timezone: string;
  weekends: boolean;
  papersPerMail: number;
  source: string;
  createdAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
  lastConfirmationSentAt: string | null;
  suspendedReason: string | null;
}

function toSubscriber(row: Selectable<SubscribersTable>): Subscriber {
  return {
    id: Number(row.id),
    email: row.email,
    status: row.status,
    frequency: row.frequency,
    sendHour: row.send_hour,
    timezone: row.timezone,
    weekends: row.weekends === 1,
    papersPerMail: row.papers_per_mail,
    source: row.source,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at,
    unsubscribedAt: row.unsubscribed_at,
    lastConfirmationSentAt: row.last_confirmation_sent_at,
    suspendedReason: row.suspended_reason,
  };
}

export async function findSubscriberByEmail(db: Executor, email: string): Promise<Subscriber | undefined> {
  const row = await subscriberDb(db).selectFrom('subscribers').selectAll().where('email', '=', email).executeTakeFirst();
  return row ? toSubscriber(row) : undefined;
}

export async function findSubscriberById(db: Executor, id: number): Promise<Subscriber | undefined> {
  const row = await subscriberDb(db).selectFrom('subscribers').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toSubscriber(row) : undefined;
}

export type NewSubscriber = Pick<Preferences, 'frequency' | 'timezone'> & { email: string; source: string };

/** Inserts a pending subscriber unless the address exists (a concurrent request may have won); returns whether it inserted. */
export async function insertPendingSubscriber(db: Executor, s: NewSubscriber, now: string): Promise<boolean> {
  const result = await subscriberDb(db)
    .insertInto('subscribers')
    .values({ email: s.email, status: 'pending', frequency: s.frequency, timezone: s.timezone, source: s.source, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('email').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

type SubscriberPatch = Omit<Updateable<SubscribersTable>, 'id' | 'email' | 'created_at'>;

export async function updateSubscriber(db: Executor, id: number, patch: SubscriberPatch, now: string): Promise<void> {
  await subscriberDb(db).updateTable('subscribers').set({ ...patch, updated_at: now }).where('id', '=', id).execute();
}

export function preferencesPatch(p: Omit<Preferences, 'topics'>): SubscriberPatch {
  return { frequency: p.frequency, send_hour: p.sendHour, timezone: p.timezone, weekends: p.weekends ? 1 : 0, papers_per_mail: p.papersPerMail };
}

/**
 * Claims the right to send this address a confirmation mail now: succeeds for
 * at most one caller per interval, however many requests race (the condition
 * and the update are one statement).
 */
export async function claimConfirmationSlot(db: Executor, id: number, now: string, notBefore: string): Promise<boolean> {
  const result = await subscriberDb(db)
    .updateTable('subscribers')
    .set({ last_confirmation_sent_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_confirmation_sent_at', 'is', null), eb('last_confirmation_sent_at', '<=', notBefore)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function listTopics(db: Executor, subscriberId: number): Promise<Topic[]> {
  const rows = await subscriberDb(db).selectFrom('subscriber_topics').select(['kind', 'value']).where('subscriber_id', '=', subscriberId).orderBy('id').execute();
  return rows.map((r) => ({ kind: r.kind as TopicKind, value: r.value }));
}

export async function replaceTopics(db: Executor, subscriberId: number, topics: Topic[]): Promise<void> {
  const sdb = subscriberDb(db);
  await sdb.deleteFrom('subscriber_topics').where('subscriber_id', '=', subscriberId).execute();
  if (topics.length === 0) return;
  await sdb
    .insertInto('subscriber_topics')
    .values(topics.map((t) => ({ subscriber_id: subscriberId, kind: t.kind, value: t.value })))
    .execute();
}

/** Records a single-use token as consumed; false when it already was. */
export async function consumeToken(db: Executor, jti: string, now: string): Promise<boolean> {
  const result = await subscriberDb(db)
    .insertInto('used_tokens')
    .values({ jti, used_at: now })
    .onConflict((oc) => oc.column('jti').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function isTokenConsumed(db: Executor, jti: string): Promise<boolean> {
  const row = await subscriberDb(db).selectFrom('used_tokens').select('jti').where('jti', '=', jti).executeTakeFirst();
  return row !== undefined;
}

/** Every zone some confirmed subscriber lives in. */
export async function confirmedTimeZones(db: Executor): Promise<string[]> {
  const rows = await subscriberDb(db).selectFrom('subscribers').select('timezone').distinct().where('status', '=', 'confirmed').execute();
  return rows.map((r) => r.timezone);
}

export interface AudienceSlice {
  timezone: string;
  /** Send hours that have passed (`<=`) or are still to come (`>`) at this moment in the zone. */
  sendHour: { op: '<=' | '>'; hour: number };
  frequency: Frequency;
  /** Only subscribers who want weekend digests. */
  weekendsOnly: boolean;
}

/** Confirmed subscribers in one slice, by id, a page at a time. */
export async function confirmedInSlice(db: Executor, slice: AudienceSlice, afterId: number, limit: number): Promise<Subscriber[]> {
  let query = subscriberDb(db)
    .selectFrom('subscribers')
    .selectAll()
    .where('status', '=', 'confirmed')
    .where('timezone', '=', slice.timezone)
    .where('frequency', '=', slice.frequency)
    .where('send_hour', slice.sendHour.op, slice.sendHour.hour)
    .where('id', '>', afterId);
  if (slice.weekendsOnly) query = query.where('weekends', '=', 1);
  const rows = await query.orderBy('id').limit(limit).execute();
  return rows.map(toSubscriber);
}

/** Stops digests to a confirmed subscriber (hard bounces); an unsubscribe that got there first is left alone. */
export async function suspendSubscriber(db: Executor, id: number, reason: string, now: string): Promise<void> {
  await subscriberDb(db)
    .updateTable('subscribers')
    .set({ status: 'suspended', suspended_at: now, suspended_reason: reason.slice(0, 500), updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'confirmed')
    .execute();
}

/** Forgets addresses that were entered but never confirmed: we keep no list of people who did not opt in. */
export async function deleteUnconfirmedBefore(db: Executor, before: string): Promise<void> {
  await subscriberDb(db).deleteFrom('subscribers').where('status', '=', 'pending').where('confirmed_at', 'is', null).where('created_at', '<', before).execute();
}

/** Which of these subscribers are confirmed right now (for a last check before a stored digest goes out). */
export async function confirmedAmong(db: Executor, ids: readonly number[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await subscriberDb(db).selectFrom('subscribers').select('id').where('status', '=', 'confirmed').where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const row of rows) out.add(Number(row.id));
  }
  return out;
}
