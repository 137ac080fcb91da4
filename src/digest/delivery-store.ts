/**
 * The query module for digest messages: creating them at composition,
 * recording each send's outcome, and the sweeps (abandoned sends, expired
 * retries, operator resends). Claims are in delivery-claim.ts. Every outcome
 * write is conditioned on the claim tag, so a worker can only record results
 * of messages it claimed itself.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { digestDb, type DigestDb } from './delivery-schema.js';
import type { MessageStatus } from './delivery-types.js';

/** Name prefix of a delivery worker's liveness lease in scheduler_locks. */
export const WORKER_LEASE_PREFIX = 'digest-worker:';

const CHUNK = 200;

export interface NewMessage {
  subscriberId: number;
  email: string;
  messageId: string;
  status: Extract<MessageStatus, 'pending' | 'skipped' | 'failed'>;
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
  paperIds: string[];
  lastError: string | null;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Inserts the messages of one composed batch and, in the same transaction,
 * the papers of each pending one into digest_sent_papers. A message that
 * already exists for (edition, subscriber) is left as it is — that unique key
 * is what makes composing an edition twice add nothing. Returns how many rows
 * were new.
 */
export async function insertMessages(db: Kysely<Database>, editionId: number, rows: NewMessage[], now: Date, deadline: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const nowIso = now.toISOString();
  return digestDb(db)
    .transaction()
    .execute(async (trx) => {
      const inserted = new Map<number, number>(); // subscriber id → message id
      for (const part of chunks(rows, CHUNK)) {
        const values = part.map((m) => ({
          edition_id: editionId,
          subscriber_id: m.subscriberId,
          email: m.email,
          message_id: m.messageId,
          status: m.status,
          next_attempt_at: nowIso,
          deadline_at: deadline.toISOString(),
          last_error: m.lastError,
          subject: m.subject,
          paper_ids: JSON.stringify(m.paperIds),
          created_at: nowIso,
        }));
        const created = await trx
          .insertInto('digest_messages')
          .values(values)
          .onConflict((oc) => oc.columns(['edition_id', 'subscriber_id']).doNothing())
          .returning(['id', 'subscriber_id'])
          .execute();
        for (const r of created) inserted.set(r.subscriber_id, r.id);
        const bodies = part.flatMap((m) => {
          const id = inserted.get(m.subscriberId);
          return m.status === 'pending' && id !== undefined ? [{ message_id: id, html: m.html ?? '', text: m.text ?? '', headers: JSON.stringify(m.headers) }] : [];
        });
        if (bodies.length > 0) await trx.insertInto('digest_message_bodies').values(bodies).execute();
      }
      const papers = rows
        .filter((m) => m.status === 'pending' && inserted.has(m.subscriberId))
        .flatMap((m) => [...new Set(m.paperIds)].map((paper_id) => ({ subscriber_id: m.subscriberId, paper_id, edition_id: editionId })));
      for (const part of chunks(papers, CHUNK * 2)) {
        await trx
          .insertInto('digest_sent_papers')
          .values(part)
          .onConflict((oc) => oc.columns(['subscriber_id', 'paper_id']).doNothing())
          .execute();
      }
      return inserted.size;
    });
}

/** Of these subscribers, the ones that already have a message in the edition (composition skips them). */
export async function subscribersWithMessage(db: Kysely<Database>, editionId: number, subscriberIds: number[]): Promise<Set<number>> {
  if (subscriberIds.length === 0) return new Set();
  const rows = await digestDb(db)
    .selectFrom('digest_messages')
    .select('subscriber_id')
    .where('edition_id', '=', editionId)
    .where('subscriber_id', 'in', subscriberIds)
    .execute();
  return new Set(rows.map((r) => r.subscriber_id));
}

// A result may land on a message that a sweep marked 'unknown' meanwhile (we were slow,
// not dead): the worker that did the send knows better than the sweep's guess.
const OURS = ['sending', 'unknown'] as const;

export interface SentResult {
  id: number;
  /** The server's reply. */
  response: string;
  at: Date;
}

export async function recordSent(db: Kysely<Database>, id: number, claimTag: string, response: string, now: Date): Promise<void> {
  await recordSentResults(digestDb(db), claimTag, [{ id, response, at: now }]);
}

/** Several 'sent' results, on whatever connection or transaction `db` is (delivery writes them in its next claim's transaction). */
export async function recordSentResults(db: DigestDb, claimTag: string, results: readonly SentResult[]): Promise<void> {
  for (const r of results) {
    await db
      .updateTable('digest_messages')
      .set({ status: 'sent', sent_at: r.at.toISOString(), smtp_response: r.response.slice(0, 500), last_error: null, smtp_code: null })
      .where('id', '=', r.id)
      .where('claimed_by', '=', claimTag)
      .where('status', 'in', OURS)
      .execute();
  }
}

export async function recordRetry(db: Kysely<Database>, id: number, claimTag: string, error: string, smtpCode: number | null, nextAttempt: Date): Promise<void> {
  await digestDb(db)
    .updateTable('digest_messages')
    .set({ status: 'pending', next_attempt_at: nextAttempt.toISOString(), last_error: error.slice(0, 1000), smtp_code: smtpCode, claimed_by: null, claimed_at: null })
    .where('id', '=', id)
    .where('claimed_by', '=', claimTag)
    .where('status', 'in', OURS)
    .execute();
}

/**
 * A permanent failure. `smtpCode` is set only for a hard bounce (5xx), which
 * is what the bounce rule counts. The message's papers are taken back out of
 * digest_sent_papers: the subscriber never saw them.
 */
export async function recordFailed(db: Kysely<Database>, id: number, claimTag: string | null, error: string, smtpCode: number | null): Promise<void> {
  await digestDb(db)
    .transaction()
    .execute(async (trx) => {
      let update = trx
        .updateTable('digest_messages')
        .set({ status: 'failed', last_error: error.slice(0, 1000), smtp_code: smtpCode })
        .where('id', '=', id);
      update = claimTag === null ? update.where('status', '=', 'pending') : update.where('claimed_by', '=', claimTag).where('status', 'in', OURS);
      const row = await update.returning(['subscriber_id', 'edition_id']).executeTakeFirst();
      if (!row) return;
      await trx.deleteFrom('digest_sent_papers').where('subscriber_id', '=', row.subscriber_id).where('edition_id', '=', row.edition_id).execute();
    });
}

/**
 * Claimed messages not to be sent after all (their subscriber unsubscribed
 * since composition): 'skipped' with the reason, and their papers taken back
 * out of digest_sent_papers, as the subscriber never saw them.
 */
export async function recordCancelled(db: Kysely<Database>, ids: number[], claimTag: string, reason: string): Promise<void> {
  if (ids.length === 0) return;
  await digestDb(db)
    .transaction()
    .execute(async (trx) => {
      const rows = await trx
        .updateTable('digest_messages')
        .set({ status: 'skipped', last_error: reason.slice(0, 1000) })
        .where('id', 'in', ids)
        .where('claimed_by', '=', claimTag)
        .where('status', 'in', OURS)
        .returning(['subscriber_id', 'edition_id'])
        .execute();
      for (const row of rows) {
        await trx.deleteFrom('digest_sent_papers').where('subscriber_id', '=', row.subscriber_id).where('edition_id', '=', row.edition_id).execute();
      }
    });
}

/**
 * THE CRASH RULE. A message still 'sending' whose worker is gone (its
 * liveness lease expired) or whose claim is older than `leaseMs` may or may
 * not have reached the server: the worker can have died after the server's
 * "250 OK" and before writing 'sent'. It becomes 'unknown' and is NOT resent
 * automatically — a duplicate digest costs more trust than a missing one, and
 * an operator can resend deliberately (`paperboy digest resend --unknown`).
 */
export async function markAbandoned(db: Kysely<Database>, now: Date, leaseMs: number): Promise<number> {
  const nowIso = now.toISOString();
  const cutoff = new Date(now.getTime() - leaseMs).toISOString();
  const rows = await digestDb(db)
    .updateTable('digest_messages')
    .set({
      status: 'unknown',
      last_error: sql<string>`'worker ' || coalesce(claimed_by, '?') || ' stopped while sending (claimed ' || coalesce(claimed_at, '?') || '); it may have been delivered, so it is not resent automatically'`,
    })
    .where('status', '=', 'sending')
    .where((eb) =>
      eb.or([
        eb('claimed_at', '<', cutoff),
        eb.not(
          eb.exists(
            eb
              .selectFrom('scheduler_locks')
              .select(sql`1`.as('one'))
              .where(sql<boolean>`scheduler_locks.name = ${WORKER_LEASE_PREFIX} || digest_messages.claimed_by`)
              .where('scheduler_locks.expires_at', '>', nowIso),
          ),
        ),
      ]),
    )
    .returning('id')
    .execute();
  return rows.length;
}

/** Pending messages whose deadline passed (never sent in time) fail, keeping their last error. */
export async function expireOverdue(db: Kysely<Database>, editionId: number, now: Date): Promise<number> {
  const overdue = await digestDb(db)
    .selectFrom('digest_messages')
    .select(['id', 'attempts', 'last_error'])
    .where('edition_id', '=', editionId)
    .where('status', '=', 'pending')
    .where('deadline_at', '<=', now.toISOString())
    .execute();
  for (const m of overdue) {
    const last = m.last_error ? `; last error: ${m.last_error}` : '';
    await recordFailed(db, m.id, null, `not delivered before the edition's deadline after ${m.attempts} attempt(s)${last}`, null);
  }
  return overdue.length;
}

/** The operator's decision to resend 'unknown' messages: back to pending, with a fresh deadline. */
export async function requeueUnknown(db: Kysely<Database>, editionId: number, now: Date, deadline: Date): Promise<number> {
  const rows = await digestDb(db)
    .updateTable('digest_messages')
    .set({
      status: 'pending',
      next_attempt_at: now.toISOString(),
      deadline_at: deadline.toISOString(),
      claimed_by: null,
      claimed_at: null,
      last_error: sql<string>`'resent by operator after an unknown outcome (' || coalesce(last_error, '') || ')'`,
    })
    .where('edition_id', '=', editionId)
    .where('status', '=', 'unknown')
    .returning('id')
    .execute();
  return rows.length;
}

/**
 * Drops the rendered bodies of sent messages — the ones a run sent or cancelled (`ids`),
 * in chunks at its end, rather than one delete per send, which keeps the send
 * path to one small write; or, without ids, every sent message of the edition
 * (leftovers of a crashed run, swept when the edition completes). The
 * subject, Message-ID and paper ids remain as the record.
 */
export async function dropSentBodies(db: Kysely<Database>, editionId: number, ids?: number[]): Promise<void> {
  const d = digestDb(db);
  if (ids) {
    for (const part of chunks(ids, CHUNK * 2)) await d.deleteFrom('digest_message_bodies').where('message_id', 'in', part).execute();
    return;
  }
  await d
    .deleteFrom('digest_message_bodies')
    .where('message_id', 'in', (eb) => eb.selectFrom('digest_messages').select('id').where('edition_id', '=', editionId).where('status', '=', 'sent'))
    .execute();
}

/** The subscriber's latest delivery outcomes (sent or failed), newest first, for the bounce rule. */
export async function recentOutcomes(db: Kysely<Database>, subscriberId: number, limit: number): Promise<{ status: MessageStatus; smtp_code: number | null }[]> {
  return digestDb(db)
    .selectFrom('digest_messages')
    .select(['status', 'smtp_code'])
    .where('subscriber_id', '=', subscriberId)
    .where('status', 'in', ['sent', 'failed'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
