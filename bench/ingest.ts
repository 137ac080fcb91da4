/**
 * Ingest benchmark: a synthetic Kaggle-snapshot corpus through the real
 * `ingestSource` (the code path of `paperboy ingest`, progress bar off) into a
 * fresh SQLite database, then the same file again (everything unchanged).
 *
 *   npm run bench:ingest -- --papers 1000000 [--seed 1] [--keep] [--batch-size N]
 *
 * Corpora are cached in .bench/ by paper count, seed and generator version.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import { createContext } from '../src/context.js';
import { ingestSource, type IngestSummary } from '../src/ingest/run-ingest.js';
import { ensureCorpusFile } from './bench-cache.js';

const GOAL_RATE = 10_000;
const GOAL_RSS_BYTES = 1024 ** 3;

const { values } = parseArgs({
  options: {
    papers: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    'batch-size': { type: 'string' },
  },
});
const papers = Number(values.papers);
const seed = Number(values.seed);
const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
if (!Number.isInteger(papers) || papers < 1) throw new Error(`--papers must be a positive integer, not "${values.papers}"`);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, not "${values.seed}"`);
if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) throw new Error('--batch-size must be a positive integer');

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1e6).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB`;
const peakRssBytes = () => process.resourceUsage().maxRSS * 1024;
const fileSize = (path: string) => (existsSync(path) ? statSync(path).size : 0);
const row = (label: string, value: string) => process.stdout.write(`  ${label.padEnd(22)} ${value}\n`);

interface Pass {
  summary: IngestSummary;
  seconds: number;
  rate: number;
  /** User + system CPU seconds of this process: unlike wall time, barely moved by other load on the machine. */
  cpuSeconds: number;
  /** Of which the main thread's (the one that writes to SQLite). */
  mainCpuSeconds: number;
  /** CPU seconds per thread (ThreadSampler). */
  threads: string;
}

/** CPU seconds of one thread of this process so far (Linux; 0 elsewhere). */
function threadCpuSeconds(tid: number | string): number {
  try {
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function threadName(tid: string): string {
  try {
    return readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

const mainThreadCpuSeconds = () => threadCpuSeconds(process.pid);

/**
 * CPU seconds per thread during a pass, sampled twice a second (worker
 * threads are gone by the time the pass returns): the parser, the index
 * builder, V8's helpers. Linux only.
 */
class ThreadSampler {
  private readonly start = new Map<string, number>();
  private readonly last = new Map<string, number>();
  private readonly names = new Map<string, string>();
  private readonly timer: NodeJS.Timeout;

  constructor() {
    for (const tid of this.tids()) this.start.set(tid, threadCpuSeconds(tid));
    this.timer = setInterval(() => this.sample(), 500);
    this.timer.unref();
  }

  private tids(): string[] {
    try {
      return readdirSync('/proc/self/task');
    } catch {
      return [];
    }
  }

  private sample(): void {
    for (const tid of this.tids()) {
      const cpu = threadCpuSeconds(tid);
      if (cpu > 0) this.last.set(tid, cpu);
      if (!this.names.has(tid)) this.names.set(tid, threadName(tid));
    }
  }

  /** Threads that used at least 0.5 s, busiest first: `tid seconds`. */
  stop(): string {
    this.sample();
    clearInterval(this.timer);
    const used = [...this.last].map(([tid, cpu]) => [tid, cpu - (this.start.get(tid) ?? 0)] as const);
    return used
      .filter(([, cpu]) => cpu >= 0.5)
      .sort((a, b) => b[1] - a[1])
      .map(([tid, cpu]) => `${tid === String(process.pid) ? 'main' : `${this.names.get(tid) ?? '?'}#${tid}`} ${cpu.toFixed(1)}`)
      .join(', ');
  }
}

async function main(): Promise<void> {
  const corpus = await ensureCorpusFile(papers, seed);
  const corpusBytes = statSync(corpus.path).size;
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-'));
  const dbPath = join(dir, 'bench.db');
  const ctx = await createContext(loadConfig({}, { DATABASE_URL: dbPath, DEMO_CORPUS: 'false' }));
  let rejectionsShown = 0;
  const log = (message: string) => {
    if (rejectionsShown++ < 20) process.stderr.write(`${message}\n`);
  };
  const ingest = async (): Promise<Pass> => {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const mainBefore = mainThreadCpuSeconds();
    const sampler = new ThreadSampler();
    const summary = await ingestSource(ctx.database, corpus.path, { http: ctx.http, batchSize, makeProgress: undefined, log });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const threads = sampler.stop();
    return { summary, seconds, rate: papers / seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, mainCpuSeconds: mainThreadCpuSeconds() - mainBefore, threads };
  };
  const loadBefore = loadavg()[0]!;
  try {
    process.stderr.write(`pass 1: ingesting into a fresh database at ${dbPath} ...\n`);
    const first = await ingest();
    const rssAfterFirst = peakRssBytes();
    const sqlite = ctx.database.sqlite!;
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const dbBytes = fileSize(dbPath);
    const walBytes = fileSize(`${dbPath}-wal`);
    const stored = (sqlite.prepare('SELECT count(*) AS n FROM papers').get() as { n: number }).n;
    const indexed = (sqlite.prepare('SELECT count(*) AS n FROM papers_fts_docsize').get() as { n: number }).n;

    process.stderr.write(`pass 2: ingesting the same file again ...\n`);
    const second = await ingest();
    const peakRss = peakRssBytes();

    const s1 = first.summary;
    const s2 = second.summary;
    const rateOk = first.rate >= GOAL_RATE;
    const rssOk = peakRss < GOAL_RSS_BYTES;
    const unchangedOk = s2.unchanged === papers && s2.new + s2.updated + s2.rejected === 0;
    const allNewOk = s1.new === papers && s1.rejected === 0 && stored === papers && indexed === papers;

    const load = `${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`;
    process.stdout.write(`\nPaperboy ingest benchmark (node ${process.version}, ${cpus().length} CPUs, load average ${load})\n`);
    row('corpus', `${relative(process.cwd(), corpus.path)} (${corpus.cached ? 'cached' : `generated in ${corpus.generateSeconds!.toFixed(1)} s`})`);
    row('papers', int(papers));
    row('file size', mb(corpusBytes));
    row('batch size', String(batchSize ?? 'default (2000)'));
    process.stdout.write('pass 1: fresh database\n');
    row('counts', `${int(s1.new)} new, ${int(s1.updated)} updated, ${int(s1.unchanged)} unchanged, ${int(s1.rejected)} rejected`);
    row('stored / FTS rows', `${int(stored)} / ${int(indexed)}`);
    row('full-text indexing', bulkLine(s1));
    row('total time (ingest)', `${first.seconds.toFixed(1)} s`);
    row('rate', `${int(first.rate)} papers/s (${mb(corpusBytes / first.seconds)}/s)`);
    row('CPU time', cpuLine(first));
    row('CPU s per thread', first.threads);
    row('database size', `${mb(dbBytes + walBytes)} (db ${mb(dbBytes)} + wal ${mb(walBytes)}, after wal_checkpoint(TRUNCATE))`);
    row('peak RSS after pass 1', mb(rssAfterFirst));
    process.stdout.write('pass 2: same file again\n');
    row('counts', `${int(s2.new)} new, ${int(s2.updated)} updated, ${int(s2.unchanged)} unchanged, ${int(s2.rejected)} rejected`);
    row('total time (ingest)', `${second.seconds.toFixed(1)} s`);
    row('rate', `${int(second.rate)} papers/s`);
    row('CPU time', cpuLine(second));
    row('CPU s per thread', second.threads);
    process.stdout.write('verdict\n');
    row(`rate >= ${int(GOAL_RATE)}/s`, `${rateOk ? 'PASS' : 'FAIL'} (${int(first.rate)} papers/s, end to end incl. FTS5)`);
    row('peak RSS < 1 GB', `${rssOk ? 'PASS' : 'FAIL'} (${mb(peakRss)})`);
    row('pass 1 all new', allNewOk ? 'PASS' : 'FAIL');
    row('pass 2 all unchanged', unchangedOk ? 'PASS' : 'FAIL');
    if (values.keep) row('database kept at', dbPath);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'ingest',
        papers,
        seed,
        batchSize: batchSize ?? 2000,
        fileBytes: corpusBytes,
        pass1: passJson(first),
        pass2: passJson(second),
        loadAverage: [round(loadBefore), round(loadavg()[0]!)],
        dbBytes: dbBytes + walBytes,
        peakRssBytes: peakRss,
        goals: { rate: rateOk, rss: rssOk, allNew: allNewOk, allUnchanged: unchangedOk },
      })}\n`,
    );
    if (!(rateOk && rssOk && allNewOk && unchangedOk)) process.exitCode = 1;
  } finally {
    await ctx.close();
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}

function bulkLine(s: IngestSummary): string {
  const b = s.bulkLoad;
  if (!b) return 'per batch';
  const how = b.builtAside ? `built on the side, moved in; ${int(b.caughtUp)} caught up` : `${int(b.caughtUp)} caught up at the end${b.reason ? ` (${b.reason})` : ''}`;
  return `${how}; ${b.finishSeconds.toFixed(1)} s after the last batch`;
}

function cpuLine(pass: Pass): string {
  return `${pass.cpuSeconds.toFixed(1)} s, main thread ${pass.mainCpuSeconds.toFixed(1)} s (${int(papers / pass.cpuSeconds)} papers per CPU-second; ${Math.round((100 * pass.cpuSeconds) / pass.seconds)}% of wall time)`;
}

function passJson(pass: Pass) {
  const s = pass.summary;
  return {
    new: s.new,
    updated: s.updated,
    unchanged: s.unchanged,
    rejected: s.rejected,
    seconds: round(pass.seconds),
    papersPerSecond: Math.round(pass.rate),
    cpuSeconds: round(pass.cpuSeconds),
    mainCpuSeconds: round(pass.mainCpuSeconds),
    threads: pass.threads,
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

await main();
