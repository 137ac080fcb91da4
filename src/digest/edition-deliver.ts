/**
 * Sending an edition's stored messages, exactly once per subscriber.
 *
 * A worker claims due messages (pending → sending, stamped with its claim
 * tag) only as SMTP slots free up, so at most `concurrency` of its messages
 * are ever in 'sending' — the most a crash can leave undecided. Results:
 *   sent               → 'sent' (body dropped), written with the worker's next
 *                        claim, in the same transaction; until then the message
 *                        stays 'sending' and keeps its slot
 *   (the others are written as soon as the server answers)
 *   retry (4xx, network, timeout) → back to 'pending' with an exponential,
 *                        jittered next_attempt_at — or 'failed' once the next
 *                        try would fall after the edition's deadline
 *   failed (5xx)       → 'failed' with the code; DIGEST_BOUNCE_LIMIT such hard
 *                        bounces in a row suspend the subscriber via the audience
 * Messages left in 'sending' by a dead worker become 'unknown' and are never
 * resent automatically (see markAbandoned, the crash rule).
 *
 * Right before sending, the audience is asked whether each claimed message's
 * subscriber is still confirmed: one who unsubscribed after composition (or
 * while their message waited for a retry) is not mailed; the message becomes
 * 'skipped' with the reason, and its papers count as never sent.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabaseHandle } from '../db/connection.js';
import type { MailTransport, SendOutcome } from '../mail/mail-transport.js';
import { claimMessages, type ClaimedMessage } from './delivery-claim.js';
import { retryDelayMs, type DeliverySettings } from './delivery-settings.js';
import type { DigestDb } from './delivery-schema.js';
import { dropSentBodies, expireOverdue, markAbandoned, recentOutcomes, recordCancelled, recordFailed, recordRetry, recordSentResults, WORKER_LEASE_PREFIX, type SentResult } from './delivery-store.js';
import type { DigestAudience, EditionKey } from './delivery-types.js';
import { editionLabel } from './edition-key.js';
import { earliestPendingAttempt, findEdition, refreshEditionStatus, statusCounts } from './edition-store.js';
import { acquireLease, keepLease } from '../jobs/leases.js';

export interface DeliverDeps {
  database: DatabaseHandle;
  mail: MailTransport;
  /** Who may still be mailed (asked right before sending), and suspension after repeated hard bounces. */
  audience: Pick<DigestAudience, 'stillConfirmed' | 'suspend'>;
  settings: DeliverySettings;
  log: (message: string) => void;
  clock?: () => Date;
}

export interface DeliverOptions {
  /** Names this worker in claims and logs; a random suffix makes each run's claim tag unique. */
  workerId?: string;
  /** Messages in flight at once; default settings.concurrency. */
  concurrency?: number;
  /** Keep sleeping until waiting retries are due, until nothing is pending (CLI `--wait`). */
  waitForRetries?: boolean;
  /**
   * Once aborted, nothing more is claimed: the sends in flight finish and their results are
   * written, then the run ends (a worker stopping on SIGTERM leaves nothing 'sending').
   */
  stop?: AbortSignal;
}

export interface DeliveryReport {
  edition: EditionKey;
  sent: number;
  /** Temporary failures put back for a later attempt. */
  deferred: number;
  failed: number;
  /** Not sent because the subscriber unsubscribed (or was suspended) after composition; recorded 'skipped'. */
  cancelled: number;
  /** Messages of dead workers found in 'sending' and marked 'unknown' (any edition). */
  abandoned: number;
  /** Pending messages failed because their deadline passed. */
  expired: number;
  suspended: number;
  /** Still pending at the end (waiting for a retry). */
  pending: number;
  nextAttemptAt: Date | null;
}

export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}`;
}

export async function deliverEdition(deps: DeliverDeps, edition: EditionKey, opts: DeliverOptions = {}): Promise<DeliveryReport> {
  const report: DeliveryReport = { edition, sent: 0, deferred: 0, failed: 0, cancelled: 0, abandoned: 0, expired: 0, suspended: 0, pending: 0, nextAttemptAt: null };
  const row = await findEdition(deps.database.db, edition);
  if (!row) return report;
  const tag = `${opts.workerId ?? defaultWorkerId()}/${randomBytes(4).toString('hex')}`;
  const run = new DeliveryRun(deps, row.id, tag, opts.concurrency ?? deps.settings.concurrency, report, opts.stop);
  // The liveness lease comes first: without it another process would take our fresh claims for a dead worker's.
  const leaseName = `${WORKER_LEASE_PREFIX}${tag}`;
  await acquireLease(deps.database.db, leaseName, tag, deps.settings.workerTtlMs, run.now());
  const lease = keepLease(deps.database.db, leaseName, tag, deps.settings.workerTtlMs, deps.log);
  try {
    for (;;) {
      await run.sweep();
      await run.sendAll();
      report.nextAttemptAt = await earliestPendingAttempt(deps.database.db, row.id);
      if (!opts.waitForRetries || !report.nextAttemptAt || opts.stop?.aborted) break;
      await sleep(Math.max(0, report.nextAttemptAt.getTime() - run.now().getTime()) + 5);
    }
  } finally {
    await lease.stop();
  }
  await dropSentBodies(deps.database.db, row.id, run.doneIds);
  // A crashed run never dropped the bodies of what it did send: sweep them when a crash is noticed.
  if (report.abandoned > 0) await dropSentBodies(deps.database.db, row.id);
  await refreshEditionStatus(deps.database.db, row.id, run.now());
  report.pending = report.nextAttemptAt ? (await statusCounts(deps.database.db, row.id)).pending : 0;
  deps.log(describeReport(report));
  return report;
}

class DeliveryRun {
  private broken: unknown = null;
  /** Messages this run sent or cancelled, whose bodies are dropped at its end. */
  readonly doneIds: number[] = [];
  /** 'sent' results not written yet: their messages are still 'sending' and still hold their slots. */
  private readonly unrecorded: SentResult[] = [];

  constructor(
    private readonly deps: DeliverDeps,
    private readonly editionId: number,
    private readonly tag: string,
    private readonly concurrency: number,
    private readonly report: DeliveryReport,
    private readonly stop?: AbortSignal,
  ) {}

  now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  async sweep(): Promise<void> {
    const db = this.deps.database.db;
    const abandoned = await markAbandoned(db, this.now(), this.deps.settings.sendingLeaseMs);
    if (abandoned > 0) {
      this.deps.log(`digest: ${abandoned} message(s) left 'sending' by a stopped worker are now 'unknown' and will not be resent automatically; see \`paperboy digest status\``);
    }
    this.report.abandoned += abandoned;
    this.report.expired += await expireOverdue(db, this.editionId, this.now());
  }

  /**
   * Claims only as many messages as there are free slots, so 'sending' never
   * exceeds `concurrency`; and only once a quarter of the slots are free, so
   * claims come in small batches rather than one write per message. A sent
   * message keeps its slot until its result is written, which happens in the
   * next claim's transaction (one write per round, not per message).
   */
  async sendAll(): Promise<void> {
    const inflight = new Set<Promise<void>>();
    const step = Math.max(1, Math.ceil(this.concurrency / 4));
    for (;;) {
      const free = this.concurrency - inflight.size - this.unrecorded.length;
      // Stopping: only write the results waiting to be recorded (a claim of 0 messages).
      const stopping = this.stop?.aborted ?? false;
      const worthClaiming = !this.broken && (stopping ? this.unrecorded.length > 0 : free >= step || inflight.size === 0);
      const claimed = worthClaiming ? await this.recordAndClaim(stopping ? 0 : this.concurrency - inflight.size) : [];
      const batch = await this.stillWanted(claimed);
      for (const message of batch) {
        const sending: Promise<void> = this.sendOne(message).finally(() => inflight.delete(sending));
        inflight.add(sending);
      }
      // Sends may have finished while we claimed: their results still need writing (unless we cannot write).
      if (inflight.size === 0 && claimed.length === 0 && (this.unrecorded.length === 0 || this.broken)) break;
      if (inflight.size > 0 && (batch.length === 0 || this.concurrency - inflight.size - this.unrecorded.length < step)) await Promise.race(inflight);
    }
    if (this.broken) throw this.broken;
  }

  /**
   * Writes the 'sent' results waiting to be recorded and claims up to `limit`
   * messages, in one transaction. If that fails, nothing more is claimed and
   * those results stay unwritten — their messages 'sending', so 'unknown'
   * later: never sent twice.
   */
  private async recordAndClaim(limit: number): Promise<ClaimedMessage[]> {
    const results = this.unrecorded.splice(0);
    try {
      const record = results.length > 0 ? (db: DigestDb) => recordSentResults(db, this.tag, results) : undefined;
      const claimed = await claimMessages(this.deps.database, this.editionId, this.tag, limit, this.now(), record);
      this.report.sent += results.length;
      this.doneIds.push(...results.map((r) => r.id));
      return claimed;
    } catch (error) {
      this.broken ??= error;
      return [];
    }
  }

  /**
   * Of a claimed batch, the messages whose subscriber may still be mailed; the
   * others are recorded 'skipped' and not sent. If that cannot be found out,
   * nothing more is claimed and the batch stays 'sending' (so 'unknown' later):
   * never mailed to someone who may have unsubscribed.
   */
  private async stillWanted(batch: ClaimedMessage[]): Promise<ClaimedMessage[]> {
    if (batch.length === 0) return batch;
    try {
      const confirmed = await this.deps.audience.stillConfirmed(batch.map((m) => m.subscriber_id));
      const gone = batch.filter((m) => !confirmed.has(m.subscriber_id)).map((m) => m.id);
      if (gone.length === 0) return batch;
      await recordCancelled(this.deps.database.db, gone, this.tag, 'not sent: the subscriber unsubscribed (or was suspended) after the message was composed');
      this.report.cancelled += gone.length;
      this.doneIds.push(...gone);
      return batch.filter((m) => confirmed.has(m.subscriber_id));
    } catch (error) {
      this.broken ??= error;
      return [];
    }
  }

  private async sendOne(message: ClaimedMessage): Promise<void> {
    const body = message.body;
    const outcome: SendOutcome = body
      ? await this.deps.mail
          .send({
            from: this.deps.settings.from,
            to: message.email,
            subject: message.subject,
            text: body.text,
            html: body.html || undefined,
            messageId: message.message_id,
            headers: JSON.parse(body.headers) as Record<string, string>,
          })
          .catch((error: unknown): SendOutcome => ({ status: 'retry', error: error instanceof Error ? error.message : String(error) }))
      : { status: 'failed', error: 'the rendered message is missing from digest_message_bodies' };
    try {
      await this.record(message, outcome);
    } catch (error) {
      // The result could not be written: stop claiming (we could not record those either); this
      // message stays 'sending' and so becomes 'unknown' — never sent twice.
      this.broken ??= error;
    }
  }

  private async record(message: ClaimedMessage, outcome: SendOutcome): Promise<void> {
    const db = this.deps.database.db;
    const now = this.now();
    if (outcome.status === 'sent') {
      this.unrecorded.push({ id: message.id, response: outcome.response ?? '', at: now });
    } else if (outcome.status === 'failed') {
      const hardBounce = outcome.smtpCode !== undefined && outcome.smtpCode >= 500 ? outcome.smtpCode : null;
      await recordFailed(db, message.id, this.tag, outcome.error, hardBounce);
      this.report.failed += 1;
      if (hardBounce !== null) await this.checkBounces(message.subscriber_id, outcome.error);
    } else {
      const next = new Date(now.getTime() + retryDelayMs(message.attempts, this.deps.settings));
      if (next.getTime() >= Date.parse(message.deadline_at)) {
        await recordFailed(db, message.id, this.tag, `gave up after ${message.attempts} attempt(s), the next would fall after the edition's deadline; last error: ${outcome.error}`, null);
        this.report.failed += 1;
      } else {
        await recordRetry(db, message.id, this.tag, outcome.error, outcome.smtpCode ?? null, next);
        this.report.deferred += 1;
      }
    }
  }

  /** DIGEST_BOUNCE_LIMIT hard bounces in a row, across editions, suspend the subscriber. */
  private async checkBounces(subscriberId: number, lastError: string): Promise<void> {
    const limit = this.deps.settings.bounceLimit;
    const recent = await recentOutcomes(this.deps.database.db, subscriberId, limit);
    const allBounced = recent.length === limit && recent.every((r) => r.status === 'failed' && r.smtp_code !== null && r.smtp_code >= 500);
    if (!allBounced) return;
    try {
      await this.deps.audience.suspend(subscriberId, `${limit} consecutive hard bounces; last: ${lastError}`.slice(0, 500));
      this.report.suspended += 1;
      this.deps.log(`digest: subscriber ${subscriberId} suspended after ${limit} consecutive hard bounces`);
    } catch (error) {
      this.deps.log(`digest: suspending subscriber ${subscriberId} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

export function describeReport(r: DeliveryReport): string {
  const parts = [`${r.sent} sent`, `${r.deferred} deferred`, `${r.failed} failed`];
  if (r.cancelled) parts.push(`${r.cancelled} not sent (unsubscribed since composition)`);
  if (r.expired) parts.push(`${r.expired} expired`);
  if (r.abandoned) parts.push(`${r.abandoned} marked unknown`);
  if (r.suspended) parts.push(`${r.suspended} subscribers suspended`);
  if (r.pending) parts.push(`${r.pending} waiting for a retry (next at ${r.nextAttemptAt?.toISOString()})`);
  return `digest ${editionLabel(r.edition)} delivery: ${parts.join(', ')}`;
}
