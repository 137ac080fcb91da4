/**
 * Where the time of a hybrid search goes, per stage, over a kept benchmark
 * build (no index is rebuilt):
 *
 *   node dist/bench/search.js --papers 1000000 --keep /tmp/pb-1m     # once
 *   node dist/bench/search-profile.js --dir /tmp/pb-1m [--queries 1000] [--seed 1] [--kind filter]
 *
 * The stages are timed by wrapping the methods that do them (full-text
 * scans, text fetches, the semantic index, paper loads); nothing in src/ is
 * changed for it. "other" is the rest of a search (parsing, spelling, BM25F
 * scoring, fusion, snippets).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import { createContext } from '../src/context.js';
import { SqliteKeywordSearch, type FtsMatch } from '../src/search/keyword/sqlite-keyword-search.js';
import { openSearch } from '../src/search/open-search.js';
import { SearchService } from '../src/search/search-service.js';
import { SemanticIndex } from '../src/search/semantic/semantic-index.js';
import { generateQueries } from './search-queries.js';

const { values } = parseArgs({ options: { dir: { type: 'string' }, queries: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' }, kind: { type: 'string' }, slowest: { type: 'string', default: '10' } } });
if (!values.dir) throw new Error('--dir DIR: a build kept by bench/search.js --keep DIR');

/** Time spent per stage in the current query. */
let current = new Map<string, number>();

function add(stage: string, ms: number): void {
  current.set(stage, (current.get(stage) ?? 0) + ms);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function wrap(proto: any, method: string, stage: (args: unknown[]) => string): void {
  const original = proto[method];
  proto[method] = function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    const result = original.apply(this, args);
    const done = () => add(stage(args), performance.now() - started);
    if (result instanceof Promise) return result.finally(done);
    done();
    return result;
  };
}

const titleWindow = (args: unknown[]) => {
  const match = args[0] as FtsMatch;
  if (match.table === 'papers_fts_title') return 'fts: title window (title index)';
  return match.expression.startsWith('{title}') ? 'fts: title window (papers_fts)' : undefined;
};
wrap(SqliteKeywordSearch.prototype, 'matchingSeqs', (a) => titleWindow(a) ?? `fts: ${String(a[2])} window${(a[0] as FtsMatch).tokens ? ' (token match)' : ''}`);
wrap(SqliteKeywordSearch.prototype, 'fetchTexts', (a) => (a[1] ? 'fetch texts (+abstract)' : 'fetch texts (no abstract)'));
for (const method of Object.getOwnPropertyNames(SqliteKeywordSearch.prototype)) {
  if (!['constructor', 'matchingSeqs', 'fetchTexts', 'search', 'compile', 'prepare', 'matchClause', 'termBitmaps', 'maintain', 'close'].includes(method)) wrap(SqliteKeywordSearch.prototype, method, () => `fts: ${method}`);
}
wrap(SemanticIndex.prototype, 'search', () => 'semantic: ANN search');
wrap(SemanticIndex.prototype, 'similarities', () => 'semantic: similarities');
wrap(SearchService.prototype, 'loadPapers', () => 'load papers');
if ('pagePapers' in SearchService.prototype) wrap(SearchService.prototype, 'pagePapers', () => 'load page papers');
wrap(SearchService.prototype, 'keywordRanking', () => '= keyword total');
wrap(SearchService.prototype, 'expansions', () => 'spelling expansions');
wrap(SearchService.prototype, 'finalOrder', () => 'final order');

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const dir = values.dir!;
  const ctx = await createContext(loadConfig({}, { DATABASE_URL: join(dir, 'bench.db'), DATA_DIR: dir, DEMO_CORPUS: 'false' }));
  // As the server and bench/search.ts open it: with the term bitsets, built by the first refresh.
  const search = await openSearch(ctx.database, { termBitmaps: true });
  await search.refresh();
  let queries = generateQueries(ctx.database.sqlite!, Number(values.queries), Number(values.seed) + 7);
  if (values.kind) queries = queries.filter((q) => q.kind === values.kind);
  for (const q of queries.slice(0, 20)) await search.search({ q: q.text, limit: 20, offset: 0 });

  // CPU time beside wall time: on a loaded machine it moves less (waits for the disk and for other processes are left out).
  const samples: Array<{ text: string; total: number; cpu: number; stages: Map<string, number> }> = [];
  for (const q of queries) {
    current = new Map();
    const started = performance.now();
    const cpu = process.cpuUsage();
    await search.search({ q: q.text, limit: 20, offset: 0 });
    const used = process.cpuUsage(cpu);
    samples.push({ text: q.text, total: performance.now() - started, cpu: (used.user + used.system) / 1000, stages: current });
  }
  const stages = new Set<string>();
  for (const s of samples) for (const k of s.stages.keys()) stages.add(k);
  const line = (label: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    process.stdout.write(`  ${label.padEnd(28)} mean ${mean.toFixed(1).padStart(6)}  p50 ${percentile(sorted, 0.5).toFixed(1).padStart(6)}  p95 ${percentile(sorted, 0.95).toFixed(1).padStart(6)}  p99 ${percentile(sorted, 0.99).toFixed(1).padStart(6)} ms\n`);
  };
  process.stdout.write(`\n${samples.length} queries over ${dir} (ms per query; a stage a query skips counts 0)\n`);
  line('total', samples.map((s) => s.total));
  line('total (cpu time)', samples.map((s) => s.cpu));
  for (const stage of [...stages].sort()) line(stage, samples.map((s) => s.stages.get(stage) ?? 0));
  const inKeyword = (s: (typeof samples)[number]) => [...s.stages].filter(([k]) => k.startsWith('fts') || k.startsWith('fetch')).reduce((a, [, v]) => a + v, 0);
  const outside = (s: (typeof samples)[number]) => [...s.stages].filter(([k]) => !k.startsWith('fts') && !k.startsWith('fetch') && k !== 'total (cpu time)').reduce((a, [, v]) => a + v, 0);
  line('= keyword minus fts/fetch', samples.map((s) => (s.stages.get('= keyword total') ?? 0) - inKeyword(s)));
  line('other (snippets, fusion…)', samples.map((s) => s.total - outside(s)));

  process.stdout.write(`\nslowest ${values.slowest}:\n`);
  for (const s of [...samples].sort((a, b) => b.total - a.total).slice(0, Number(values.slowest))) {
    const parts = [...s.stages].filter(([, v]) => v >= 1).map(([k, v]) => `${k} ${v.toFixed(0)}`);
    process.stdout.write(`  ${s.total.toFixed(0).padStart(5)} ms  ${s.text.slice(0, 60).padEnd(60)}  ${parts.join(', ')}\n`);
  }
  await search.close();
  await ctx.close();
}

await main();
