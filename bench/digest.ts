/**
 * Digest benchmark: one daily edition to N subscribers with varied topics,
 * composed by the real composer (SubscriberDigestComposer: paper selection
 * over the catalogue and search index, MJML rendering) for the real audience
 * (SubscriberAudience), then delivered through Paperboy's pooled SMTP
 * transport to a loopback SMTP server in a child process that discards what
 * it receives. Prints messages/s for composition and for delivery, the total
 * time and peak RSS. `--composer minimal` swaps in a light composer
 * (bench/digest-composer.ts) to measure the delivery engine on its own.
 * By default it runs as `npm start` does: `--threads 1` delivery thread sends
 * while this thread composes (then delivers too, as the scheduler's tick
 * does); `--threads 0` composes and then delivers in one thread. `--workers N`
 * adds N delivery worker processes (`paperboy digest worker`) on one database.
 *
 *   npm run bench:digest -- --subscribers 100000 [--composer real|minimal] [--threads 1] [--workers 0] [--papers 100000] [--concurrency 8] [--seed 1] [--keep] [--db postgres://…]
 *
 * `--db postgres://…` runs it all on PostgreSQL instead of a SQLite file (a fresh schema, see bench-target.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import { createContext } from '../src/context.js';
import { SubscriberAudience } from '../src/digest/audience.js';
import { SubscriberDigestComposer } from '../src/digest/compose-digest.js';
import type { EditionKey } from '../src/digest/delivery-types.js';
import { composeEdition } from '../src/digest/edition-compose.js';
import { startDeliveryThreads, type DeliveryThreads } from '../src/digest/delivery-threads.js';
import { deliverEdition, type DeliveryReport } from '../src/digest/edition-deliver.js';
import { digestRuntime } from '../src/digest/edition-job.js';
import { editionEndsEverywhere } from '../src/digest/edition-key.js';
import { findEdition, statusCounts } from '../src/digest/edition-store.js';
import { SmtpTransport } from '../src/mail/smtp-transport.js';
import { openSearch } from '../src/search/open-search.js';
import { openBenchTarget } from './bench-target.js';
import { MinimalComposer } from './digest-composer.js';
import { seedSubscribers } from './digest-seed.js';

const GOAL_SECONDS = 300;
/** A weekday just before the synthetic catalogue's newest papers (2026-10-31), so the edition's period has fresh papers. */
const EDITION: EditionKey = { date: '2026-10-30', frequency: 'daily' };

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '100000' },
    papers: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '8' },
    composer: { type: 'string', default: 'real' },
    workers: { type: 'string', default: '0' },
    /** Delivery threads beside composition, as `npm start` runs them (DIGEST_DELIVERY_THREADS, default 1). */
    threads: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    db: { type: 'string' },
  },
});
const positive = (name: string, value: string | undefined) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not "${value}"`);
  return n;
};
const subscriberCount = positive('subscribers', values.subscribers);
const papers = positive('papers', values.papers);
const concurrency = positive('concurrency', values.concurrency);
const seed = positive('seed', values.seed);
const workerCount = Number(values.workers);
if (!Number.isInteger(workerCount) || workerCount < 0) throw new Error('--workers must be 0 or more');
const threadCount = Number(values.threads);
if (!Number.isInteger(threadCount) || threadCount < 0) throw new Error('--threads must be 0 or more');
if (values.composer !== 'real' && values.composer !== 'minimal') throw new Error('--composer must be real or minimal');

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const row = (label: string, value: string) => process.stdout.write(`  ${label.padEnd(24)} ${value}\n`);
const say = (message: string) => process.stderr.write(`${message}\n`);

interface SinkCount {
  accepted: number;
  bytes: number;
  rssBytes: number;
  cpuSeconds: number;
}

function startSink(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(join(dirname(fileURLToPath(import.meta.url)), 'digest-sink.js'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, port: (m as { port: number }).port }));
    child.once('exit', (code) => reject(new Error(`the SMTP sink exited with ${code}`)));
  });
}

interface Worker {
  child: ChildProcess;
  done: Promise<{ sent: number; cpuSeconds: number }>;
}

/** Delivery worker processes (bench/digest-deliver-worker.ts), started before composition. */
function startWorkers(count: number, start: object): Worker[] {
  return Array.from({ length: count }, (_, i) => {
    const child = fork(join(dirname(fileURLToPath(import.meta.url)), 'digest-deliver-worker.js'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.send({ ...start, workerId: `bench-worker-${i}` });
    const done = new Promise<{ sent: number; cpuSeconds: number }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { sent: number; cpuSeconds: number }));
      child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`delivery worker ${i} exited with ${code}`))));
    });
    return { child, done };
  });
}

function askSink(child: ChildProcess): Promise<SinkCount> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as SinkCount));
    child.send('count');
  });
}

function arrangement(): string {
  const parts = [threadCount > 0 ? `${threadCount} delivery thread(s) alongside composition, as npm start` : 'compose then deliver in one thread'];
  if (workerCount > 0) parts.push(`${workerCount} delivery worker process(es)`);
  return parts.join(' + ');
}

/** Once nothing of the edition is pending or in flight, stop the threads; what was sent, from the database. */
async function deliveredAfterThreads(db: Parameters<typeof statusCounts>[0], threads: DeliveryThreads | null): Promise<{ sent: number; deferred: number; failed: number }> {
  const edition = await findEdition(db, EDITION);
  if (!edition) throw new Error('the edition was not composed');
  for (;;) {
    const counts = await statusCounts(db, edition.id);
    if (counts.pending === 0 && counts.sending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await threads?.stop();
  const counts = await statusCounts(db, edition.id);
  return { sent: counts.sent, deferred: counts.pending, failed: counts.failed };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-digest-'));
  say(`catalogue: ${int(papers)} synthetic papers (cached in .bench/)`);
  const target = await openBenchTarget({ db: values.db, papers, seed, dir, say });
  const dbPath = target.url;
  const { child, port } = await startSink();
  const config = loadConfig({}, { DATABASE_URL: dbPath, DATA_DIR: dir, DEMO_CORPUS: 'false', PUBLIC_URL: 'https://paperboy.example', SMTP_URL: `smtp://127.0.0.1:${port}` });
  const ctx = await createContext(config);
  const mail = new SmtpTransport({ url: config.SMTP_URL!, poolSize: concurrency, ratePerSecond: 0, timeoutMs: 60_000 });
  try {
    say(`seeding ${int(subscriberCount)} subscribers ...`);
    const seedStarted = performance.now();
    const topics = await seedSubscribers(ctx.database.db, subscriberCount, seed);
    say(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s (${int(topics)} topics)`);
    const audience = new SubscriberAudience(ctx.database.db);
    const composer =
      values.composer === 'real'
        ? new SubscriberDigestComposer({ db: ctx.database.db, tokens: ctx.tokens, config, search: await openSearch(ctx.database) })
        : new MinimalComposer(ctx.database.db, ctx.tokens, config.publicUrl);
    const logs: string[] = [];
    const rt = digestRuntime({ ...ctx, mail, audience, composer, log: (m) => logs.push(m) });

    const workers = startWorkers(workerCount, { dbPath, smtpUrl: config.SMTP_URL, edition: EDITION, settings: { ...rt.settings, concurrency } });
    const cpuAtStart = process.cpuUsage();
    const started = performance.now();
    // The server's arrangement: delivery threads send while the scheduler's tick composes, then the tick delivers too.
    const threads = threadCount > 0 ? startDeliveryThreads({ config: { ...config, SMTP_POOL_SIZE: concurrency }, secretKey: ctx.secretKey, count: threadCount, log: (m) => logs.push(m), pollMs: 50 }) : null;
    const composed = await composeEdition(rt, EDITION, { now: editionEndsEverywhere(EDITION.date) });
    const composedAt = performance.now();
    workers.forEach((w) => w.child.send('composed'));
    const cpuBefore = process.cpuUsage(cpuAtStart);
    const results = await Promise.all(workers.map((w) => w.done));
    const mainDelivery = workerCount === 0 ? await deliverEdition(rt, EDITION, { workerId: 'bench', concurrency }) : null;
    const delivered = threads || workerCount > 0 ? await deliveredAfterThreads(ctx.database.db, threads) : (mainDelivery as DeliveryReport);
    const finished = performance.now();
    const mainCpu = process.cpuUsage(cpuAtStart);
    const workerCpu = results.reduce((a, r) => a + r.cpuSeconds, 0);
    const sink = await askSink(child);

    const composeSeconds = (composedAt - started) / 1000;
    // With threads or workers, delivery runs alongside composition: its rate is over the whole run.
    const alongside = workerCount > 0 || threadCount > 0;
    const deliverSeconds = (finished - (alongside ? started : composedAt)) / 1000;
    const total = (finished - started) / 1000;
    process.stdout.write(`\ndigest edition ${EDITION.date} to ${int(subscriberCount)} subscribers (${values.composer} composer, SMTP pool ${concurrency}, ${arrangement()}; ${target.dialect} database)\n`);
    row('composition', `${int(composed.created)} composed, ${int(composed.skipped)} skipped, ${int(composed.composeFailed)} failed in ${composeSeconds.toFixed(1)} s = ${int(composed.due / composeSeconds)} messages/s`);
    row('delivery', `${int(delivered.sent)} sent, ${int(delivered.deferred)} deferred, ${int(delivered.failed)} failed in ${deliverSeconds.toFixed(1)} s = ${int(delivered.sent / deliverSeconds)} messages/s`);
    row('sink accepted', `${int(sink.accepted)} messages, ${mb(sink.bytes)} (${int(sink.bytes / Math.max(1, sink.accepted))} bytes each)`);
    row('total', `${total.toFixed(1)} s (goal ≤ ${GOAL_SECONDS} s: ${total <= GOAL_SECONDS ? 'met' : 'MISSED'})`);
    const seconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;
    const ourCpu = seconds(mainCpu) + workerCpu;
    row('CPU', `composing ${seconds(cpuBefore).toFixed(0)} s, delivering ${(seconds(mainCpu) - seconds(cpuBefore) + workerCpu).toFixed(0)} s, SMTP sink ${sink.cpuSeconds.toFixed(0)} s: ${((ourCpu * 1e6) / subscriberCount).toFixed(0)} µs per message for Paperboy (load average ${loadavg()[0]!.toFixed(1)} at the end)`);
    row('peak RSS', `${mb(process.resourceUsage().maxRSS * 1024)} (sink process ${mb(sink.rssBytes)})`);
    row('database', `${mb(await target.databaseBytes(ctx.database))} after the edition (${target.location})`);
    if (sink.accepted !== delivered.sent) throw new Error(`the sink accepted ${sink.accepted} messages but ${delivered.sent} were recorded sent`);
  } finally {
    await mail.close();
    await ctx.close();
    child.send('stop');
    await target.dispose({ keep: values.keep });
    if (values.keep && target.dialect === 'sqlite') say(`kept ${dbPath}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
