/**
 * Benchmarks share their expensive inputs through `.bench/`: the synthetic
 * corpus for (papers, seed, generator version) and a catalogue database
 * ingested from it, each built once and reused by later runs.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { PACKAGE_ROOT } from '../src/config/paths.js';
import { createContext } from '../src/context.js';
import { ingestSource } from '../src/ingest/run-ingest.js';
import { GENERATOR_VERSION, writeSyntheticCorpus } from './synthetic-corpus.js';

export const BENCH_DIR = join(PACKAGE_ROOT, '.bench');

function say(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The cached corpus for these parameters, generated (to a temporary name, then renamed) if missing. */
export async function ensureCorpusFile(papers: number, seed: number): Promise<{ path: string; cached: boolean; generateSeconds?: number }> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const path = join(BENCH_DIR, `synthetic-v${GENERATOR_VERSION}-${papers}-seed${seed}.jsonl`);
  if (existsSync(path)) return { path, cached: true };
  say(`generating ${papers.toLocaleString('en-US')} synthetic papers into ${relative(process.cwd(), path)} ...`);
  const started = performance.now();
  const partial = `${path}.${process.pid}.partial`;
  try {
    await writeSyntheticCorpus(partial, { papers, seed });
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  renameSync(partial, path);
  return { path, cached: false, generateSeconds: (performance.now() - started) / 1000 };
}

/**
 * A copy of a catalogue database holding the synthetic corpus, at `target`.
 * The ingested database itself is cached, so only the first run pays for the ingest.
 */
export async function ensureCatalogueCopy(papers: number, seed: number, target: string): Promise<{ ingestSeconds?: number }> {
  const cached = join(BENCH_DIR, `catalogue-v${GENERATOR_VERSION}-${papers}-seed${seed}.db`);
  let ingestSeconds: number | undefined;
  if (!existsSync(cached)) {
    const corpus = await ensureCorpusFile(papers, seed);
    const partial = `${cached}.${process.pid}.partial`;
    say(`ingesting ${relative(process.cwd(), corpus.path)} into ${relative(process.cwd(), cached)} ...`);
    const started = performance.now();
    const ctx = await createContext(loadConfig({}, { DATABASE_URL: partial, DATA_DIR: BENCH_DIR, DEMO_CORPUS: 'false' }));
    try {
      await ingestSource(ctx.database, corpus.path, { format: 'kaggle', http: ctx.http, log: () => {} });
      ctx.database.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      await ctx.close();
    }
    ingestSeconds = (performance.now() - started) / 1000;
    renameSync(partial, cached);
    rmSync(`${partial}-wal`, { force: true });
    rmSync(`${partial}-shm`, { force: true });
  }
  copyFileSync(cached, target);
  return { ingestSeconds };
}
