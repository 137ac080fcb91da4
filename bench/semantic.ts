/**
 * Semantic index benchmark: a catalogue of N synthetic papers (the shared
 * bench cache, see bench-cache.ts), a full `SemanticIndex.rebuild()` over it
 * (sample → train in the worker → embed every paper → write vectors → HNSW
 * graph), then query latency, recall against exact search, start-up time from
 * the cache, and peak RSS of the whole process (worker included).
 *
 *   npm run bench:semantic -- --papers 100000 [--queries 1000] [--sample 50000]
 *   npm run bench:semantic -- --db path/to/catalogue.db   (a copy of an existing catalogue)
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/connection.js';
import { migrate } from '../src/db/migrator.js';
import { SemanticIndex } from '../src/search/semantic/semantic-index.js';
import { createRandom } from '../src/search/semantic/linalg.js';

type Random = () => number;
import { ensureCatalogueCopy } from './bench-cache.js';

const { values } = parseArgs({
  options: {
    papers: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '1000' },
    sample: { type: 'string', default: '50000' },
    'recall-queries': { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    db: { type: 'string' },
  },
});
const papers = Number(values.papers);
const queryCount = Number(values.queries);
const say = (line: string) => process.stdout.write(`${line}\n`);
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2);
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms`;
}

/** A query like a person's description: 3–8 consecutive words of a random paper's abstract. */
function spanOf(text: string, random: Random): string {
  const words = text.split(/\s+/).filter(Boolean);
  const length = 3 + Math.floor(random() * 6);
  const from = Math.floor(random() * Math.max(1, words.length - length));
  return words.slice(from, from + length).join(' ');
}

const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-semantic-'));
try {
  const dbPath = join(dir, 'catalogue.db');
  const copy = values.db ? (copyFileSync(values.db, dbPath), {}) : await ensureCatalogueCopy(papers, Number(values.seed), dbPath);
  if (copy.ingestSeconds !== undefined) say(`catalogue ingested in ${copy.ingestSeconds.toFixed(1)} s (cached for next runs)`);
  const handle = await openDatabase(dbPath);
  await migrate(handle);
  const options = { cacheDir: join(dir, 'semantic-index') };
  let semantic = await SemanticIndex.open(handle, options);

  const report = await semantic.rebuild({ sampleSize: Number(values.sample) });
  const s = report.seconds;
  say(`papers ${report.papers.toLocaleString('en-US')}, trained on ${report.trainedOn.toLocaleString('en-US')}, vocabulary ${report.vocabulary.toLocaleString('en-US')}, ${report.dimensions} dimensions`);
  say(`rebuild: train ${s.train.toFixed(1)} s (incl. reading the sample), embed+write ${s.embed.toFixed(1)} s, index build ${s.index.toFixed(1)} s, total ${s.total.toFixed(1)} s`);
  say(`index: ${semantic.status.papers.toLocaleString('en-US')} vectors, ${semantic.status.approximate ? 'HNSW graph' : 'exact scan'}`);

  const random = createRandom(42);
  const rows = await handle.db.selectFrom('papers').select(['seq', 'abstract']).where('seq', 'in', Array.from({ length: Math.min(queryCount, 30_000) }, () => 1 + Math.floor(random() * report.papers))).execute();
  const texts = Array.from({ length: queryCount }, (_, i) => spanOf(rows[i % rows.length]!.abstract ?? '', random));
  for (const text of texts.slice(0, 50)) semantic.search(text, 100); // warm-up

  const searchTimes = texts.map((text) => {
    const t = performance.now();
    semantic.search(text, 100);
    return performance.now() - t;
  });
  say(`search(text, k=100) over ${texts.length} queries: ${percentiles(searchTimes)}`);
  const similarTimes = rows.slice(0, queryCount).map((row) => {
    const t = performance.now();
    semantic.similarTo(row.seq, 100);
    return performance.now() - t;
  });
  say(`similarTo(seq, k=100) over ${similarTimes.length} papers: ${percentiles(similarTimes)}`);

  // Recall counts the exact top 10 found; the score ratio shows how close the misses are (1.0 = as similar as the exact ones).
  let found = 0;
  let wanted = 0;
  let approxScore = 0;
  let exactScore = 0;
  for (const text of texts.slice(0, Number(values['recall-queries']))) {
    const exact = semantic.searchExact(text, 10);
    const approx = semantic.search(text, 10);
    const exactSeqs = new Set(exact.map((h) => h.seq));
    found += approx.filter((h) => exactSeqs.has(h.seq)).length;
    wanted += exact.length;
    approxScore += approx.reduce((sum, h) => sum + h.score, 0);
    exactScore += exact.reduce((sum, h) => sum + h.score, 0);
  }
  say(`recall@10 vs exact search over ${values['recall-queries']} queries: ${(found / Math.max(1, wanted)).toFixed(3)} (score ratio ${(approxScore / exactScore).toFixed(3)})`);

  await semantic.close();
  const t = performance.now();
  semantic = await SemanticIndex.open(handle, options);
  say(`start-up from the cache files: ${((performance.now() - t) / 1000).toFixed(2)} s (${semantic.status.approximate ? 'graph loaded' : 'no graph'})`);
  await semantic.close();
  await handle.close();
  say(`peak RSS ${mb(process.resourceUsage().maxRSS)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
