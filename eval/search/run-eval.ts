/**
 * `npm run eval:search`: the relevance harness. Loads the demo corpus into a
 * fresh database, builds the search indexes, runs every judged query of
 * judgments.json in keyword-only, semantic-only and hybrid mode, and prints
 * nDCG@10 and recall@20 per query family. Exits non-zero when hybrid does
 * not beat keyword-only on every family — except a family keyword-only
 * already answers perfectly (nDCG@10 = 1), where hybrid can only tie; such a
 * tie is reported as such, never counted as a win. `-- --losses` also prints, for each
 * query where hybrid ranks worse than keyword-only, both top tens with grades.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { DEMO_CORPUS_PATH, PACKAGE_ROOT } from '../../src/config/paths.js';
import { createContext } from '../../src/context.js';
import { iteratePapers } from '../../src/catalogue/paper-store.js';
import { ingestSource } from '../../src/ingest/run-ingest.js';
import { openSearch, rebuildSearchIndex } from '../../src/search/open-search.js';
import type { SearchMode } from '../../src/search/search-service.js';
import { mean, ndcgAt, recallAt } from './metrics.js';

interface Judgment {
  query: string;
  family: string;
  relevant: Record<string, number>;
}

const MODES: SearchMode[] = ['keyword', 'semantic', 'hybrid'];
const SHOW_LOSSES = process.argv.includes('--losses');

function topTen(titles: string[], relevant: Record<string, number>): string {
  return titles.slice(0, 10).map((t, i) => `    ${String(i + 1).padStart(2)} [${relevant[t] ?? 0}] ${t.slice(0, 90)}`).join('\n');
}

async function main(): Promise<void> {
  const judgments = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'eval', 'search', 'judgments.json'), 'utf8')) as { queries: Judgment[] }).queries;
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-eval-'));
  const ctx = await createContext(loadConfig({}, { DATABASE_URL: join(dir, 'eval.db'), DEMO_CORPUS: 'false' }));
  try {
    await ingestSource(ctx.database, DEMO_CORPUS_PATH, { format: 'seed', http: ctx.http, log: () => {} });
    await rebuildSearchIndex(ctx.database);
    const search = await openSearch(ctx.database);
    const idByTitle = new Map<string, string>();
    for await (const paper of iteratePapers(ctx.database.db)) idByTitle.set(paper.title, paper.id);

    const scores: Record<string, Record<SearchMode, { ndcg: number[]; recall: number[] }>> = {};
    const lines: string[] = [];
    for (const j of judgments) {
      const grades = new Map<string, number>();
      for (const [title, grade] of Object.entries(j.relevant)) {
        const id = idByTitle.get(title);
        if (!id) throw new Error(`judgments.json: no paper titled "${title}"`);
        grades.set(id, grade);
      }
      const row: string[] = [];
      const topTitles: Partial<Record<SearchMode, string[]>> = {};
      for (const mode of MODES) {
        const response = await search.search({ q: j.query, limit: 20, offset: 0, mode });
        const ranked = response.results.map((r) => r.id);
        topTitles[mode] = response.results.map((r) => r.title);
        const family = (scores[j.family] ??= { keyword: { ndcg: [], recall: [] }, semantic: { ndcg: [], recall: [] }, hybrid: { ndcg: [], recall: [] } });
        const n = ndcgAt(10, ranked, grades);
        family[mode].ndcg.push(n);
        family[mode].recall.push(recallAt(20, ranked, grades));
        row.push(n.toFixed(2));
      }
      lines.push(`${j.family.padEnd(13)} ${row.map((r) => r.padStart(8)).join('')}  ${j.query}`);
      if (SHOW_LOSSES && Number(row[2]) < Number(row[0])) {
        lines.push(`  keyword:\n${topTen(topTitles.keyword!, j.relevant)}\n  hybrid:\n${topTen(topTitles.hybrid!, j.relevant)}`);
      }
    }
    console.log(`Search relevance on the demo corpus (${judgments.length} judged queries)\n`);
    console.log(`${'family'.padEnd(13)} ${MODES.map((m) => m.padStart(8)).join('')}  query   (nDCG@10)`);
    console.log(lines.join('\n'));
    console.log(`\n${'family'.padEnd(13)}${'queries'.padStart(8)}  ${MODES.map((m) => `${m} nDCG@10 / R@20`.padStart(26)).join('')}`);
    let hybridWinsEverywhere = true;
    const verdicts: string[] = [];
    for (const [family, byMode] of Object.entries(scores)) {
      const cells = MODES.map((m) => `${mean(byMode[m].ndcg).toFixed(3)} / ${mean(byMode[m].recall).toFixed(3)}`.padStart(26));
      const [hybrid, keyword] = [mean(byMode.hybrid.ndcg), mean(byMode.keyword.ndcg)];
      const verdict = hybrid > keyword ? 'beats' : keyword === 1 && hybrid === 1 ? 'ties at the ceiling (keyword-only is already perfect)' : hybrid === keyword ? 'TIES' : 'LOSES';
      if (verdict === 'TIES' || verdict === 'LOSES') hybridWinsEverywhere = false;
      verdicts.push(`  ${family}: hybrid ${verdict} (${hybrid.toFixed(3)} vs ${keyword.toFixed(3)})`);
      console.log(`${family.padEnd(13)}${String(byMode.hybrid.ndcg.length).padStart(8)}  ${cells.join('')}`);
    }
    const all = (m: SearchMode, k: 'ndcg' | 'recall') => mean(Object.values(scores).flatMap((s) => s[m][k]));
    console.log(`${'all'.padEnd(13)}${String(judgments.length).padStart(8)}  ${MODES.map((m) => `${all(m, 'ndcg').toFixed(3)} / ${all(m, 'recall').toFixed(3)}`.padStart(26)).join('')}`);
    console.log(`\nhybrid against keyword-only, nDCG@10:\n${verdicts.join('\n')}`);
    console.log(`hybrid beats keyword-only in every family keyword-only does not already answer perfectly: ${hybridWinsEverywhere ? 'yes' : 'NO'}`);
    if (!hybridWinsEverywhere) process.exitCode = 1;
    await search.close();
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
