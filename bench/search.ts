/**
 * Search benchmark: builds the search indexes over a synthetic catalogue and
 * runs mixed queries through hybrid search, with plain FTS5 bm25 over the
 * same corpus (OR of the query words, ORDER BY rank) as the reference.
 *
 *   npm run bench:search -- --papers 1000000 [--queries 1000] [--seed 1] [--db postgres://…]
 *                           [--keep DIR | --reuse DIR] [--no-reference | --reference-queries N] [--no-bitsets]
 *
 * Building the indexes over a million papers takes minutes; to iterate on
 * query code, `--keep DIR` builds into DIR and leaves it there, and
 * `--reuse DIR` runs the queries over that build without rebuilding (SQLite
 * only). `--no-reference` skips the plain FTS5 queries (seconds each at 1M);
 * `--reference-queries N` runs them for the first N queries only (the same
 * ones, interleaved with the hybrid runs as for every query).
 *
 * Search is opened as the server opens it: with the in-memory term bitsets
 * (search/keyword/sqlite-term-bitmaps.ts), built by the first refresh before
 * any query is timed; the time that takes is printed. `--no-bitsets` runs
 * the queries without them, for comparison.
 *
 * `--db postgres://…` runs it on PostgreSQL (a fresh schema, see bench-target.ts): the
 * same queries, drawn from the same catalogue, with a plain `tsvector` query
 * (OR of the query words, ORDER BY ts_rank) as the reference.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { loadConfig } from '../src/config/config.js';
import { createContext } from '../src/context.js';
import type { DatabaseHandle } from '../src/db/connection.js';
import { openSearch, rebuildSearchIndex } from '../src/search/open-search.js';
import { quoteFtsString } from '../src/search/query/fts-match.js';
import { openBenchTarget, type BenchTarget } from './bench-target.js';
import { generateQueries, type BenchQuery } from './search-queries.js';

const { values } = parseArgs({ options: { papers: { type: 'string', default: '100000' }, queries: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' }, db: { type: 'string' }, keep: { type: 'string' }, reuse: { type: 'string' }, 'no-reference': { type: 'boolean', default: false }, 'reference-queries': { type: 'string' }, 'no-bitsets': { type: 'boolean', default: false } } });
const papers = Number(values.papers);
const queryCount = Number(values.queries);
const seed = Number(values.seed);

const ms = (n: number) => `${n.toFixed(1)} ms`;
const row = (label: string, value: string) => process.stdout.write(`  ${label.padEnd(30)} ${value}\n`);
const peakRssMb = () => Math.round((process.resourceUsage().maxRSS * 1024) / 1e6);
const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);

function percentiles(samples: number[]): { p50: number; p95: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

function report(label: string, samples: number[]): Record<string, number> {
  const p = percentiles(samples);
  const qps = 1000 / p.mean;
  row(label, `p50 ${ms(p.p50)}  p95 ${ms(p.p95)}  p99 ${ms(p.p99)}  ${qps.toFixed(0)} queries/s (one client)`);
  return { ...p, qps };
}

/**
 * The plain full-text query of each dialect over the same index the search uses: FTS5 bm25, or
 * tsvector with ts_rank. On SQLite it gets a connection of its own, as a second engine would:
 * on the search's connection, each reference query (whole posting lists of common words, seconds
 * at a million papers) emptied the page cache the next hybrid query then refilled from the OS
 * (1M papers, same build, same 1000 queries: hybrid p95 60 ms without the reference, 160 ms with
 * it on one connection). PostgreSQL's buffer cache is the server's, shared whatever the connection.
 */
function referenceQuery(database: DatabaseHandle): { run: (words: string[]) => Promise<unknown>; close: () => void } {
  if (database.sqlite) {
    const own = new Database(database.sqlite.name, { readonly: true, fileMustExist: true });
    own.pragma('cache_size = -65536');
    const fts = own.prepare('SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT 20');
    return { run: async (words) => fts.all(words.map(quoteFtsString).join(' OR ')), close: () => own.close() };
  }
  return {
    run: (words) =>
      sql`SELECT paper_seq FROM paper_search, websearch_to_tsquery('english', ${words.join(' or ')}) AS q
        WHERE document @@ q ORDER BY ts_rank(document, q) DESC LIMIT 20`.execute(database.db),
    close: () => undefined,
  };
}

interface Built {
  ingestSeconds?: number;
  copySeconds?: number;
  /** Undefined when a kept build is reused. */
  build?: { seconds: number; ftsSeconds: number; rebuild: Awaited<ReturnType<typeof rebuildSearchIndex>> };
  dialect: string;
  dbPath: string;
  catalogue(database: DatabaseHandle): ReturnType<BenchTarget['catalogue']>;
  fullTextBytes(database: DatabaseHandle): Promise<number>;
  databaseBytes(database: DatabaseHandle): Promise<number>;
  dispose(): Promise<void>;
}

/** The catalogue copy with its indexes built (timed), or a kept build reopened as it is. */
async function prepare(dir: string): Promise<{ built: Built; ctx: Awaited<ReturnType<typeof createContext>> }> {
  const open = (dbPath: string) => createContext(loadConfig({}, { DATABASE_URL: dbPath, DATA_DIR: dir, DEMO_CORPUS: 'false' }));
  if (values.reuse) {
    const dbPath = join(dir, 'bench.db');
    if (!existsSync(dbPath)) throw new Error(`--reuse ${dir}: no bench.db there (build one with --keep ${dir})`);
    const ctx = await open(dbPath);
    const ftsBytes = (database: DatabaseHandle) => Promise.resolve((database.sqlite!.prepare("SELECT sum(pgsize) AS b FROM dbstat WHERE name LIKE 'papers_fts%'").get() as { b: number }).b);
    return { ctx, built: { dialect: 'sqlite', dbPath, catalogue: (database) => database.sqlite!, fullTextBytes: ftsBytes, databaseBytes: async () => size(dbPath) + size(`${dbPath}-wal`), dispose: async () => undefined } };
  }
  const target = await openBenchTarget({ db: values.db, papers, seed, dir, say: (m) => process.stderr.write(`${m}\n`) });
  const ctx = await open(target.url);
  const sqlite = ctx.database.sqlite;
  const buildStart = performance.now();
  // PostgreSQL's tsvector documents were built by triggers while the catalogue was copied in (target.copySeconds).
  sqlite?.exec("INSERT INTO papers_fts(papers_fts) VALUES ('rebuild')");
  const ftsSeconds = (performance.now() - buildStart) / 1000;
  const rebuild = await rebuildSearchIndex(ctx.database);
  const seconds = (performance.now() - buildStart) / 1000;
  sqlite?.pragma('wal_checkpoint(TRUNCATE)');
  const built: Built = {
    ingestSeconds: target.ingestSeconds,
    copySeconds: target.copySeconds,
    build: { seconds, ftsSeconds, rebuild },
    dialect: target.dialect,
    dbPath: target.url,
    catalogue: (database) => target.catalogue(database),
    fullTextBytes: (database) => target.fullTextBytes(database),
    databaseBytes: async (database) => (sqlite ? size(target.url) + size(`${target.url}-wal`) : target.databaseBytes(database)),
    dispose: () => target.dispose(),
  };
  return { ctx, built };
}

async function main(): Promise<void> {
  if (values.reuse && values.db) throw new Error('--reuse is for SQLite builds only');
  const kept = values.keep ?? values.reuse;
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'paperboy-bench-search-'));
  if (values.keep) mkdirSync(values.keep, { recursive: true });
  try {
    const { ctx, built } = await prepare(dir);
    const sqlite = ctx.database.sqlite;
    const ftsBytes = await built.fullTextBytes(ctx.database);
    const search = await openSearch(ctx.database, { termBitmaps: !values['no-bitsets'], log: (m) => process.stderr.write(`${m}\n`) });
    // As in the server: the first refresh (there in the background) builds the in-memory structures.
    const refreshStarted = performance.now();
    await search.refresh();
    const refreshSeconds = (performance.now() - refreshStarted) / 1000;
    const queries = generateQueries(built.catalogue(ctx.database), queryCount, seed + 7);

    const reference = values['no-reference'] ? undefined : referenceQuery(ctx.database);
    const hybrid: number[] = [];
    const plain: number[] = [];
    const byKind = new Map<BenchQuery['kind'], number[]>();
    // Warm-up so the first figures do not measure cold caches.
    for (const q of queries.slice(0, 20)) await search.search({ q: q.text, limit: 20, offset: 0 });
    const referenceCount = values['reference-queries'] === undefined ? queries.length : Number(values['reference-queries']);
    for (const [i, q] of queries.entries()) {
      let t = performance.now();
      await search.search({ q: q.text, limit: 20, offset: 0 });
      const elapsed = performance.now() - t;
      hybrid.push(elapsed);
      byKind.set(q.kind, [...(byKind.get(q.kind) ?? []), elapsed]);
      if (!reference || i >= referenceCount) continue;
      t = performance.now();
      await reference.run(q.words);
      plain.push(performance.now() - t);
    }

    process.stdout.write(`\nSearch benchmark: ${papers.toLocaleString('en-US')} papers, ${queries.length} queries, ${built.dialect} (${cpus().length} cores, ${Math.round(totalmem() / 1e9)} GB, Node ${process.version})\n\n`);
    if (built.ingestSeconds !== undefined) row('catalogue ingest (cached after)', `${built.ingestSeconds.toFixed(1)} s`);
    if (built.copySeconds !== undefined) row('copy into PostgreSQL', `${built.copySeconds.toFixed(1)} s (rows and tsvector documents, migrate-data's copier)`);
    const build = built.build;
    if (build) {
      const sem = build.rebuild.semantic;
      row('index build', `${build.seconds.toFixed(1)} s (${sqlite ? `FTS5 rebuild ${build.ftsSeconds.toFixed(1)} s` : 'tsvector built during the copy'}; vocabulary ${build.rebuild.words.toLocaleString('en-US')} words; semantic ${sem.seconds.total.toFixed(1)} s: train ${sem.seconds.train.toFixed(1)}, embed ${sem.seconds.embed.toFixed(1)}, ANN ${sem.seconds.index.toFixed(1)}; ${sem.dimensions} dims)`);
    } else row('index build', `reused from ${dir} (not timed)`);
    row('search start (first refresh)', `${refreshSeconds.toFixed(1)} s (${values['no-bitsets'] ? 'without term bitsets' : 'builds the in-memory term bitsets'}; not part of the index build)`);
    row('full-text index size', `${(ftsBytes / 1e6).toFixed(1)} MB`);
    row('database size', `${((await built.databaseBytes(ctx.database)) / 1e6).toFixed(1)} MB`);
    const hybridFigures = report('hybrid (SearchService)', hybrid);
    for (const [kind, samples] of byKind) report(`  ${kind} (${samples.length})`, samples);
    const referenceLabel = `${sqlite ? 'reference: FTS5 bm25, OR' : 'reference: tsvector ts_rank, OR'}${plain.length < queries.length ? ` (first ${plain.length})` : ''}`;
    const plainFigures = reference && plain.length > 0 ? report(referenceLabel, plain) : undefined;
    row('peak RSS', `${peakRssMb()} MB`);
    const buildSeconds = build?.seconds;
    const goals = hybridFigures.p95! <= 50 && hybridFigures.p99! <= 150 && (buildSeconds ?? 0) <= 600 && peakRssMb() <= 4096;
    row(`goals (p95≤50, p99≤150, ${buildSeconds === undefined ? 'build not timed' : 'build≤10 min'}, RSS≤4 GB)`, goals ? 'met' : 'NOT met');
    process.stdout.write(`${JSON.stringify({ papers, queries: queries.length, buildSeconds, ftsBytes, hybrid: hybridFigures, reference: plainFigures, peakRssMb: peakRssMb() })}\n`);
    reference?.close();
    await search.close();
    await ctx.close();
    await built.dispose();
  } finally {
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
