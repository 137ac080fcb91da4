/**
 * `paperboy digest …`: send an edition by hand (catch-up or testing), run a
 * delivery worker beside the scheduler (`digest worker`), show
 * how delivery went, and resend messages whose outcome is unknown.
 *
 * The subscription side (audience and composer) comes from a factory the
 * program passes in, so this file does not depend on how subscriptions are
 * stored. Other digest sub-commands (e.g. `digest preview <email>`) attach to
 * the Command that registerDigest returns, from their own files.
 */
import type { Command } from 'commander';
import type { AppContext } from '../../context.js';
import type { DigestParts, EditionKey } from '../../digest/delivery-types.js';
import { requeueUnknown } from '../../digest/delivery-store.js';
import { composeEdition, type ComposeReport } from '../../digest/edition-compose.js';
import { defaultWorkerId, deliverEdition, describeReport } from '../../digest/edition-deliver.js';
import { runDeliveryWorker } from '../../digest/delivery-worker.js';
import { digestRuntime, runDueEditions, type DigestRuntime } from '../../digest/edition-job.js';
import { editionEndsEverywhere, editionLabel, isEditionDate, parseFrequency } from '../../digest/edition-key.js';
import { findEdition, problemMessages, recentEditions, statusCounts, type EditionRow } from '../../digest/edition-store.js';
import { withContext, type CommonOptions } from '../command-context.js';
import { registerDigestPreview } from './digest-preview.js';

export type DigestPartsFactory = (ctx: AppContext) => DigestParts | Promise<DigestParts>;

/** Until subscriptions are wired in, sending says so instead of doing half a job. */
export const digestPartsUnavailable: DigestPartsFactory = () => {
  throw new Error('digest subscriptions are not wired into this build yet (no audience/composer); `digest status` still works');
};

interface SendOptions extends CommonOptions {
  edition?: string;
  frequency?: string;
  dryRun?: boolean;
  wait?: boolean;
  concurrency?: string;
}

interface WorkerOptions extends CommonOptions {
  concurrency?: string;
  poll: string;
  once?: boolean;
}

interface StatusOptions extends CommonOptions {
  edition?: string;
  frequency?: string;
  limit: string;
}

interface ResendOptions extends CommonOptions {
  unknown?: boolean;
  edition: string;
  frequency: string;
  wait?: boolean;
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);
const DB_OPTION = ['--db <url>', 'database (SQLite path or postgres:// URL); overrides DATABASE_URL'] as const;

function positiveInteger(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${option} must be a positive integer`);
  return n;
}

function editionDate(value: string | undefined): string | undefined {
  if (value !== undefined && !isEditionDate(value)) throw new Error(`--edition must be a date YYYY-MM-DD, not "${value}"`);
  return value;
}

async function runtimeFor(ctx: AppContext, createParts: DigestPartsFactory): Promise<DigestRuntime> {
  return digestRuntime({ ...ctx, ...(await createParts(ctx)), log: note });
}

/** Registers `digest send|status|resend|worker`; returns the `digest` command for sibling sub-commands. */
export function registerDigest(program: Command, createParts: DigestPartsFactory = digestPartsUnavailable): Command {
  const digest = program.command('digest').description('Digest delivery: send an edition, show its status, resend unknown outcomes');

  digest
    .command('send')
    .description('Compose and send due digests; with --edition, the edition of that date to everyone whose period it is (exactly once)')
    .option('--edition <date>', 'edition date YYYY-MM-DD (past for catch-up, future for testing); default: whatever is due now')
    .option('--frequency <f>', 'daily or weekly (with --edition; default daily)')
    .option('--dry-run', 'count who would get a message; compose and send nothing')
    .option('--wait', 'keep retrying deferred messages until they are delivered or past the deadline')
    .option('--concurrency <n>', 'messages in flight at once (default SMTP_POOL_SIZE)')
    .option(...DB_OPTION)
    .action(async (opts: SendOptions) => {
      const date = editionDate(opts.edition);
      const frequency = opts.frequency === undefined ? undefined : parseFrequency(opts.frequency);
      const concurrency = positiveInteger(opts.concurrency, '--concurrency');
      if (frequency && !date) throw new Error('--frequency needs --edition (without it, every due edition is sent)');
      await withContext(opts, async (ctx) => {
        const rt = await runtimeFor(ctx, createParts);
        if (date) await sendEdition(rt, { date, frequency: frequency ?? 'daily' }, opts, concurrency);
        else await sendDue(rt, opts);
      });
    });

  digest
    .command('status')
    .description('Messages by state for an edition (or the latest editions), with the failures and their errors')
    .option('--edition <date>', 'edition date YYYY-MM-DD')
    .option('--frequency <f>', 'daily or weekly (default: both)')
    .option('--limit <n>', 'failures to list', '50')
    .option(...DB_OPTION)
    .action(async (opts: StatusOptions) => {
      const date = editionDate(opts.edition);
      const frequencies = opts.frequency === undefined ? (['daily', 'weekly'] as const) : [parseFrequency(opts.frequency)];
      await withContext(opts, async (ctx) => {
        if (!date) return printRecent(ctx);
        let found = 0;
        for (const frequency of frequencies) {
          const row = await findEdition(ctx.database.db, { date, frequency });
          if (row) found += 1;
          if (row) await printEdition(ctx, row, Number(opts.limit) || 50);
        }
        if (found === 0) say(`no digest edition ${date} ${opts.frequency ?? ''}`.trimEnd());
      });
    });

  digest
    .command('resend')
    .description("Send again the messages whose outcome is unknown (their worker died mid-send; they may have arrived)")
    .option('--unknown', "resend the edition's 'unknown' messages (required: say what you mean)")
    .requiredOption('--edition <date>', 'edition date YYYY-MM-DD')
    .option('--frequency <f>', 'daily or weekly', 'daily')
    .option('--wait', 'keep retrying deferred messages until delivered or past the deadline')
    .option(...DB_OPTION)
    .action(async (opts: ResendOptions) => {
      if (!opts.unknown) throw new Error("resend needs --unknown (only messages in the 'unknown' state can be resent)");
      const edition: EditionKey = { date: editionDate(opts.edition) as string, frequency: parseFrequency(opts.frequency) };
      await withContext(opts, async (ctx) => {
        const row = await findEdition(ctx.database.db, edition);
        if (!row) throw new Error(`no digest edition ${editionLabel(edition)}`);
        const rt = await runtimeFor(ctx, createParts);
        const now = new Date();
        const requeued = await requeueUnknown(ctx.database.db, row.id, now, new Date(now.getTime() + rt.settings.retryGraceHours * 3_600_000 + 3_600_000));
        say(`${requeued} unknown message(s) of ${editionLabel(edition)} queued again`);
        if (requeued > 0) say(describeReport(await deliverEdition(rt, edition, { workerId: defaultWorkerId(), waitForRetries: opts.wait })));
      });
    });

  digest
    .command('worker')
    .description('Deliver every edition with messages due, again and again, until SIGINT/SIGTERM; never composes (the scheduler or `digest send` does)')
    .option('--concurrency <n>', 'messages in flight at once (default SMTP_POOL_SIZE)')
    .option('--poll <seconds>', 'sleep this long when nothing is due', '5')
    .option('--once', 'deliver what is due now, then exit')
    .option(...DB_OPTION)
    .action(async (opts: WorkerOptions) => {
      const concurrency = positiveInteger(opts.concurrency, '--concurrency');
      const pollSeconds = Number(opts.poll);
      if (!Number.isFinite(pollSeconds) || pollSeconds <= 0) throw new Error('--poll must be a positive number of seconds');
      await withContext(opts, (ctx) => runWorker(ctx, createParts, { concurrency, pollMs: pollSeconds * 1000, once: opts.once }));
    });

  registerDigestPreview(digest);
  return digest;
}

/** The worker until it is told to stop: SIGINT/SIGTERM end the current pass without claiming more. */
async function runWorker(ctx: AppContext, createParts: DigestPartsFactory, opts: { concurrency?: number; pollMs: number; once?: boolean }): Promise<void> {
  const rt = await runtimeFor(ctx, createParts);
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    note(`digest worker: ${signal}, finishing the messages in flight`);
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const workerId = `${defaultWorkerId()}/worker`;
  if (!opts.once) note(`digest worker ${workerId} delivering (${rt.mail.description}); polling every ${opts.pollMs / 1000} s`);
  try {
    const summary = await runDeliveryWorker(rt, { ...opts, workerId, stop: stop.signal, onReport: (r) => say(describeReport(r)) });
    say(`digest worker: ${summary.sent} sent, ${summary.deferred} deferred, ${summary.failed} failed, ${summary.cancelled} not sent (unsubscribed) in ${summary.passes} pass(es)`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function sendEdition(rt: DigestRuntime, edition: EditionKey, opts: SendOptions, concurrency: number | undefined): Promise<void> {
  // "Everyone whose period it is": ask about the moment the date has ended everywhere on earth.
  const composed = await composeEdition(rt, edition, { now: editionEndsEverywhere(edition.date), dryRun: opts.dryRun });
  say(describeCompose(composed, opts.dryRun));
  if (opts.dryRun) return;
  const report = await deliverEdition(rt, edition, { workerId: defaultWorkerId(), concurrency, waitForRetries: opts.wait });
  say(describeReport(report));
}

async function sendDue(rt: DigestRuntime, opts: SendOptions): Promise<void> {
  const tick = await runDueEditions(rt, new Date(), defaultWorkerId(), { dryRun: opts.dryRun, waitForRetries: opts.wait });
  const composed = tick.composed.filter((c) => c.due > 0);
  for (const c of composed) say(describeCompose(c, opts.dryRun));
  for (const d of tick.delivered) say(describeReport(d));
  if (composed.length === 0 && tick.delivered.length === 0) say('nothing is due right now');
}

function describeCompose(c: ComposeReport, dryRun?: boolean): string {
  const label = `edition ${editionLabel(c.edition)}`;
  if (dryRun) return `${label} (dry run): ${c.due} due, ${c.alreadyHad} already have their message, ${c.created} would be composed and sent`;
  return `${label}: ${c.due} due, ${c.created} composed, ${c.skipped} skipped (nothing new), ${c.composeFailed} failed to compose, ${c.alreadyHad} already had theirs`;
}

async function printRecent(ctx: AppContext): Promise<void> {
  const editions = await recentEditions(ctx.database.db, 14);
  if (editions.length === 0) say('no digest editions yet');
  for (const row of editions) say(await summaryLine(ctx, row));
}

async function summaryLine(ctx: AppContext, row: EditionRow): Promise<string> {
  const c = await statusCounts(ctx.database.db, row.id);
  const counts = (Object.keys(c) as (keyof typeof c)[]).map((k) => `${k} ${c[k]}`).join('  ');
  return `${row.date} ${row.frequency.padEnd(6)} ${row.status.padEnd(10)} ${counts}`;
}

async function printEdition(ctx: AppContext, row: EditionRow, limit: number): Promise<void> {
  say(await summaryLine(ctx, row));
  const problems = await problemMessages(ctx.database.db, row.id, limit);
  for (const p of problems) {
    const code = p.smtp_code ? ` ${p.smtp_code}` : '';
    const retry = p.status === 'pending' && p.next_attempt_at ? ` (next attempt ${p.next_attempt_at})` : '';
    say(`  ${p.status.padEnd(8)} #${p.subscriber_id} ${p.email}${code} attempts ${p.attempts}${retry}: ${p.last_error ?? ''}`);
  }
  const unknown = (await statusCounts(ctx.database.db, row.id)).unknown;
  if (unknown > 0) {
    say(`  ${unknown} unknown: their worker stopped mid-send, so they may have arrived; they are not resent automatically.`);
    say(`  To send them again: paperboy digest resend --unknown --edition ${row.date} --frequency ${row.frequency}`);
  }
}
