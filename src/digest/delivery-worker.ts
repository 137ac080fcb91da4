/**
 * A delivery worker (`paperboy digest worker`): delivers every edition with
 * messages due, again and again, and nothing else — it never composes. The
 * scheduler (or `paperboy digest send`) composes; workers add delivery
 * capacity on other cores or machines, sharing editions safely through the
 * claims of deliverEdition (SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on
 * SQLite).
 *
 * An edition whose pending messages all wait for a later retry is left alone
 * until the first of them is due, so an idle worker neither claims nor logs.
 * Stopping (the `stop` signal) ends the current pass through deliverEdition's
 * own stop: nothing more is claimed, the sends in flight finish and are
 * recorded, and the worker returns.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { deliverEdition, type DeliverDeps, type DeliveryReport } from './edition-deliver.js';
import { earliestPendingAttempt, editionsWithPending } from './edition-store.js';

export interface DeliveryWorkerOptions {
  workerId: string;
  /** Messages in flight at once; default settings.concurrency. */
  concurrency?: number;
  /** How long to sleep when nothing is due (shortened when a retry falls due sooner). */
  pollMs: number;
  /** One pass over what is due now, then return. */
  once?: boolean;
  stop?: AbortSignal;
  /** Each edition's report, as soon as that edition's pass is over. */
  onReport?: (report: DeliveryReport) => void;
  /** After each pass over every edition; returning true ends the worker (benchmarks stop when composition is done). */
  afterPass?: (pass: DeliveryPass) => boolean;
}

export interface DeliveryPass {
  reports: DeliveryReport[];
  /** Earliest retry still waiting in any edition, null when nothing is pending. */
  nextAttemptAt: Date | null;
}

export interface DeliveryWorkerSummary {
  passes: number;
  sent: number;
  deferred: number;
  failed: number;
  cancelled: number;
}

export async function runDeliveryWorker(deps: DeliverDeps, opts: DeliveryWorkerOptions): Promise<DeliveryWorkerSummary> {
  const summary: DeliveryWorkerSummary = { passes: 0, sent: 0, deferred: 0, failed: 0, cancelled: 0 };
  while (!opts.stop?.aborted) {
    const pass = await deliverDue(deps, opts);
    summary.passes += 1;
    for (const r of pass.reports) {
      summary.sent += r.sent;
      summary.deferred += r.deferred;
      summary.failed += r.failed;
      summary.cancelled += r.cancelled;
    }
    if (opts.once || opts.afterPass?.(pass)) break;
    if (!pass.reports.some(didWork)) await pause(idleMs(deps, opts.pollMs, pass.nextAttemptAt), opts.stop);
  }
  return summary;
}

/** One pass: every edition with a message due now, delivered until nothing more is due in it. */
async function deliverDue(deps: DeliverDeps, opts: DeliveryWorkerOptions): Promise<DeliveryPass> {
  const pass: DeliveryPass = { reports: [], nextAttemptAt: null };
  for (const edition of await editionsWithPending(deps.database.db)) {
    if (opts.stop?.aborted) break;
    const next = await earliestPendingAttempt(deps.database.db, edition.id);
    if (next && next.getTime() > now(deps).getTime()) {
      if (!pass.nextAttemptAt || next < pass.nextAttemptAt) pass.nextAttemptAt = next;
      continue;
    }
    const report = await deliverEdition(deps, { date: edition.date, frequency: edition.frequency }, { workerId: opts.workerId, concurrency: opts.concurrency, stop: opts.stop });
    pass.reports.push(report);
    opts.onReport?.(report);
  }
  return pass;
}

/** Whether a pass over an edition changed anything (otherwise looping at once would only spin). */
function didWork(r: DeliveryReport): boolean {
  return r.sent + r.deferred + r.failed + r.cancelled + r.expired + r.abandoned > 0;
}

function now(deps: DeliverDeps): Date {
  return deps.clock?.() ?? new Date();
}

function idleMs(deps: DeliverDeps, pollMs: number, nextAttemptAt: Date | null): number {
  if (!nextAttemptAt) return pollMs;
  return Math.max(0, Math.min(pollMs, nextAttemptAt.getTime() - now(deps).getTime() + 5));
}

/** Sleeps, waking at once when stopped. */
async function pause(ms: number, stop?: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal: stop }).catch(() => undefined);
}
