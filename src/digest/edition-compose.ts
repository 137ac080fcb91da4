/**
 * Composition: turns "who is due for this edition" into one stored message
 * per subscriber — rendered, with its deterministic Message-ID — before
 * anything is sent. Sending (edition-deliver.ts) only ever sends stored
 * messages, so a retry or a resend carries exactly the content first composed.
 *
 * Idempotent: a subscriber who already has a message in the edition is not
 * composed again (and the unique (edition, subscriber) key stops a concurrent
 * composer), so the scheduler can run it every few minutes as the date
 * travels across time zones, and `paperboy digest send` can be run twice.
 */
import type { DatabaseHandle } from '../db/connection.js';
import type { DeliverySettings } from './delivery-settings.js';
import { insertMessages, subscribersWithMessage, type NewMessage } from './delivery-store.js';
import type { DigestAudience, DigestComposer, DueSubscriber, EditionKey } from './delivery-types.js';
import { digestMessageId, editionLabel, localDate, retryDeadline } from './edition-key.js';
import { ensureEdition, findEdition, markComposed } from './edition-store.js';

export interface ComposeDeps {
  database: DatabaseHandle;
  audience: DigestAudience;
  composer: DigestComposer;
  settings: DeliverySettings;
  log: (message: string) => void;
  clock?: () => Date;
}

export interface ComposeOptions {
  /** The moment the audience is asked about ("whose send time has come by now"). */
  now: Date;
  /** Scheduler mode: keep only subscribers whose local date at `now` is the edition's date. */
  onlyWhereToday?: boolean;
  /** Count who would get a message; write and compose nothing. */
  dryRun?: boolean;
}

export interface ComposeReport {
  edition: EditionKey;
  editionId: number | null;
  /** Due subscribers the audience returned (after the time-zone filter). */
  due: number;
  /** Of those, already holding a message in this edition. */
  alreadyHad: number;
  /** New messages to send. */
  created: number;
  /** New 'skipped' messages (nothing new for them). */
  skipped: number;
  /** New 'failed' messages because the composer threw. */
  composeFailed: number;
}

const COMPOSE_PARALLELISM = 8;

export async function composeEdition(deps: ComposeDeps, edition: EditionKey, opts: ComposeOptions): Promise<ComposeReport> {
  const db = deps.database.db;
  const wallClock = deps.clock?.() ?? new Date();
  const report: ComposeReport = { edition, editionId: null, due: 0, alreadyHad: 0, created: 0, skipped: 0, composeFailed: 0 };
  // A catch-up run for a past date still gets a full retry window from now.
  const deadline = new Date(Math.max(retryDeadline(edition.date, deps.settings.retryGraceHours).getTime(), wallClock.getTime() + deps.settings.retryGraceHours * 3_600_000));
  let editionId = opts.dryRun ? ((await findEdition(db, edition))?.id ?? null) : null;
  for await (const batch of deps.audience.dueSubscribers(edition, opts.now)) {
    const due = uniqueDue(batch, edition, opts);
    if (due.length === 0) continue;
    report.due += due.length;
    if (editionId === null && !opts.dryRun) editionId = (await ensureEdition(db, edition, wallClock)).id;
    const had = editionId === null ? new Set<number>() : await subscribersWithMessage(db, editionId, due.map((s) => s.id));
    report.alreadyHad += had.size;
    const fresh = due.filter((s) => !had.has(s.id));
    if (opts.dryRun || editionId === null || fresh.length === 0) {
      if (opts.dryRun) report.created += fresh.length;
      continue;
    }
    const rows = await mapLimit(fresh, COMPOSE_PARALLELISM, (s) => composeOne(deps, edition, s));
    await insertMessages(db, editionId, rows, deps.clock?.() ?? new Date(), deadline);
    for (const r of rows) {
      if (r.status === 'pending') report.created += 1;
      else if (r.status === 'skipped') report.skipped += 1;
      else report.composeFailed += 1;
    }
  }
  report.editionId = editionId;
  if (editionId !== null && !opts.dryRun) await markComposed(db, editionId, deps.clock?.() ?? new Date());
  if (report.due > 0 && !opts.dryRun) {
    deps.log(
      `digest ${editionLabel(edition)}: ${report.created} composed, ${report.skipped} skipped (nothing new), ` +
        `${report.composeFailed} failed to compose, ${report.alreadyHad} already had theirs`,
    );
  }
  return report;
}

/** Drops duplicates within a batch and, in scheduler mode, subscribers for whom the edition's date is not today. */
function uniqueDue(batch: DueSubscriber[], edition: EditionKey, opts: ComposeOptions): DueSubscriber[] {
  const seen = new Set<number>();
  return batch.filter((s) => {
    if (seen.has(s.id)) return false;
    seen.add(s.id);
    return !opts.onlyWhereToday || localDate(opts.now, s.timezone) === edition.date;
  });
}

async function composeOne(deps: ComposeDeps, edition: EditionKey, subscriber: DueSubscriber): Promise<NewMessage> {
  const base = {
    subscriberId: subscriber.id,
    email: subscriber.email,
    messageId: digestMessageId(edition, subscriber.id, deps.settings.secret, deps.settings.messageIdHost),
  };
  try {
    const digest = await deps.composer.compose(subscriber, edition);
    if (!digest) return { ...base, status: 'skipped', subject: '', html: null, text: null, headers: {}, paperIds: [], lastError: 'nothing new for this subscriber' };
    return { ...base, status: 'pending', subject: digest.subject, html: digest.html, text: digest.text, headers: digest.headers, paperIds: digest.paperIds, lastError: null };
  } catch (error) {
    // Recorded, not retried: a composer error is most likely a bug that would repeat; the status command shows it.
    const message = error instanceof Error ? error.message : String(error);
    deps.log(`digest ${editionLabel(edition)}: composing for subscriber ${subscriber.id} failed: ${message}`);
    return { ...base, status: 'failed', subject: '', html: null, text: null, headers: {}, paperIds: [], lastError: `compose failed: ${message}` };
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the order of results. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
