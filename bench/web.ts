/**
 * Website benchmark: autocannon on loopback against a real server (a child
 * process, so load generator and server do not share an event loop) over a
 * synthetic catalogue of N papers with some seeded activity (votes and views,
 * so trending ranks real activity rather than falling back). Measures the
 * trending page, paper pages and search pages: throughput and latency.
 * "paper" requests favour popular papers (as readers do); "paper (uniform)"
 * spreads them evenly over 1,000 papers not requested before, so its caches
 * start cold.
 *
 *   npm run bench:web -- --papers 1000000 [--duration 10] [--connections 10] [--seed 1]
 *   npm run bench:web -- --catalogue path/to/catalogue.db   (a copy of it is used)
 *
 * The catalogue is ingested once and cached in .bench/ (bench-cache.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { findOrCreateUser } from '../src/accounts/account-store.js';
import { loadConfig } from '../src/config/config.js';
import { createContext } from '../src/context.js';
import { openSearch } from '../src/search/open-search.js';
import { recordView } from '../src/trending/views.js';
import { castVote } from '../src/trending/votes.js';
import { buildApp } from '../src/web/app.js';
import { paperPath } from '../src/web/pages/format.js';
import { ensureCatalogueCopy } from './bench-cache.js';
import { generateQueries } from './search-queries.js';
import { createRandom } from './synthetic-text.js';

const { values } = parseArgs({
  options: {
    papers: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    serve: { type: 'string' },
    /** Benchmark a copy of this catalogue database instead of the cached synthetic one. */
    catalogue: { type: 'string' },
  },
});

const GOALS = { trending: { rps: 1000, p99: 50 }, paper: { rps: 500 } };
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36 paperboy-bench';

function configFor(dbPath: string, dir: string) {
  return loadConfig({}, { DATABASE_URL: dbPath, DATA_DIR: dir, DEMO_CORPUS: 'false', LOG_LEVEL: 'silent' });
}

/** Child process: the server, as `npm start` would run it, reporting its address to the parent. */
async function serve(dbPath: string): Promise<void> {
  const dir = join(dbPath, '..');
  const ctx = await createContext(configFor(dbPath, dir));
  const search = await openSearch(ctx.database);
  const app = await buildApp({ ...ctx, search, logger: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.send?.({ url });
  process.once('SIGTERM', () => void app.close().then(() => ctx.close()).then(() => process.exit(0)));
}

/** Votes and views on recent papers, so the trending windows have something to rank. */
async function seedActivity(dbPath: string, dir: string, seed: number): Promise<{ paperPaths: string[]; queries: string[] }> {
  const ctx = await createContext(configFor(dbPath, dir));
  try {
    const random = createRandom(seed);
    const sqlite = ctx.database.sqlite!;
    const maxSeq = (sqlite.prepare('SELECT max(seq) AS n FROM papers').get() as { n: number }).n;
    const idOf = sqlite.prepare('SELECT id FROM papers WHERE seq = ?');
    const pickSeq = (recent: boolean) => Math.max(1, maxSeq - Math.floor(random() * (recent ? Math.min(5000, maxSeq) : maxSeq)));
    const now = Date.now();
    await ctx.database.db.transaction().execute(async (trx) => {
      for (let u = 0; u < 500; u++) {
        const user = await findOrCreateUser(trx, `bench-${u}@example.org`, new Date(now));
        for (let v = 0; v < 4; v++) await castVote(trx, user.id, pickSeq(true), new Date(now - random() * 20 * 86_400_000));
      }
      for (let v = 0; v < 20_000; v++) await recordView(trx, pickSeq(true), `visitor-${v % 3000}`, new Date(now - random() * 20 * 86_400_000), ctx.secretKey);
    });
    const paperPaths = Array.from({ length: 2000 }, () => paperPath((idOf.get(pickSeq(false)) as { id: string }).id));
    const queries = generateQueries(sqlite, 200, seed).map((q) => `/search?q=${encodeURIComponent(q.text)}`);
    return { paperPaths, queries };
  } finally {
    await ctx.close();
  }
}

function startServer(dbPath: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', dbPath], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, url: (m as { url: string }).url }));
    child.once('exit', (code) => reject(new Error(`server exited with code ${code}`)));
  });
}

interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** Requests walk `paths` in order, or with `skewed`, favour the first ones as real readers favour popular papers. */
async function measure(name: string, url: string, paths: string[], seconds: number, connections: number, skewed = false): Promise<Measured> {
  let i = 0;
  const random = createRandom(7);
  // random()^3 puts about half the requests on the first 12% of the papers.
  const next = () => (skewed ? paths[Math.floor(random() ** 3 * paths.length)]! : paths[i++ % paths.length]!);
  const run = (duration: number) =>
    autocannon({
      url,
      connections,
      duration,
      headers: { 'user-agent': BROWSER_UA, accept: 'text/html' },
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: next() }) }],
    });
  await run(Math.min(3, seconds)); // warm-up: caches, page cache, JIT
  const r = await run(seconds);
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, requests: r.requests.total, non2xx: r.non2xx, errors: r.errors };
}

function printTable(rows: Measured[], papers: number): void {
  const line = (cells: string[]) => process.stdout.write(`  ${cells[0]!.padEnd(16)}${cells.slice(1).map((c) => c.padStart(11)).join('')}\n`);
  process.stdout.write(`\nPaperboy web benchmark: ${papers.toLocaleString('en-US')} papers (node ${process.version}, ${cpus().length} CPUs)\n`);
  line(['page', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'requests', 'non-2xx']);
  for (const r of rows) line([r.name, r.rps.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), r.max.toFixed(0), String(r.requests), String(r.non2xx + r.errors)]);
  const trending = rows.find((r) => r.name === 'trending')!;
  const paper = rows.find((r) => r.name === 'paper')!;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  process.stdout.write(`verdict\n  trending >= ${GOALS.trending.rps} req/s, p99 <= ${GOALS.trending.p99} ms: ${verdict(trending.rps >= GOALS.trending.rps && trending.p99 <= GOALS.trending.p99)}\n`);
  process.stdout.write(`  paper page >= ${GOALS.paper.rps} req/s: ${verdict(paper.rps >= GOALS.paper.rps)}\n`);
  process.stdout.write(`${JSON.stringify({ bench: 'web', papers, results: rows })}\n`);
  if (trending.rps < GOALS.trending.rps || trending.p99 > GOALS.trending.p99 || paper.rps < GOALS.paper.rps) process.exitCode = 1;
}

async function main(): Promise<void> {
  const papers = Number(values.papers);
  const seed = Number(values.seed);
  const seconds = Number(values.duration);
  const connections = Number(values.connections);
  if (!Number.isInteger(papers) || papers < 1) throw new Error(`--papers must be a positive integer, not "${values.papers}"`);
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-web-bench-'));
  const dbPath = join(dir, 'bench.db');
  let child: ChildProcess | undefined;
  try {
    if (values.catalogue) copyFileSync(values.catalogue, dbPath);
    else await ensureCatalogueCopy(papers, seed, dbPath);
    process.stderr.write('seeding votes and views ...\n');
    const { paperPaths, queries } = await seedActivity(dbPath, dir, seed);
    process.stderr.write('starting the server (search vocabulary first) ...\n');
    const server = await startServer(dbPath);
    child = server.child;
    const trendingPaths = ['/', '/?window=day', '/?window=week', '/?window=month', '/?window=all', '/?window=week&page=2'];
    const rows: Measured[] = [];
    const runs: Array<[string, string[], boolean]> = [
      ['trending', trendingPaths, false],
      ['paper', paperPaths, true],
      ['paper (uniform)', paperPaths.slice(1000), false],
      ['search', queries, false],
    ];
    for (const [name, paths, skewed] of runs) {
      process.stderr.write(`measuring ${name} pages for ${seconds} s ...\n`);
      rows.push(await measure(name, server.url, paths, seconds, connections, skewed));
    }
    const counted = (await import('better-sqlite3')).default;
    const check = new counted(dbPath, { readonly: true });
    const stored = (check.prepare('SELECT count(*) AS n FROM papers').get() as { n: number }).n;
    check.close();
    printTable(rows, stored);
  } finally {
    if (child?.pid && child.exitCode === null) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (values.serve) await serve(values.serve);
else await main();
