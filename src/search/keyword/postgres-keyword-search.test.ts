import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialectContext, DIALECTS } from '../../../test/dialects.js';
import type { TempContext } from '../../../test/support/temp-context.js';
import { applyRecords } from '../../catalogue/apply-records.js';
import { countPapers } from '../../catalogue/paper-store.js';
import { DEMO_CORPUS_PATH } from '../../config/paths.js';
import { ingestSource } from '../../ingest/run-ingest.js';
import { parseQuery } from '../query/search-query.js';
import { SpellingCorrector } from '../spelling/spelling-corrector.js';
import { loadVocabulary, updateVocabulary } from '../spelling/vocabulary-store.js';
import { openKeywordEngine } from './keyword-engine.js';
import type { KeywordResult } from './sqlite-keyword-search.js';

/**
 * Queries whose matches are the same under FTS5 (porter, no stop words) and
 * PostgreSQL's `english` configuration (Snowball, stop words dropped). Known
 * differences are left out on purpose: stop-word-only queries ("the") match
 * nothing on PostgreSQL, and Snowball keeps "llms" apart from "llm".
 */
const SAME_ON_BOTH = [
  'transformer', 'diffusion models', 'speculative decoding', 'quantization', 'reinforcement learning from human feedback', '"language models"',
  'graph neural networks -attention', 'low rank adaptation', 'mixture of experts', 'state-of-the-art', 'vision transformer', 'contrastive',
  'sort:newest language models', 'has:no-code scaling laws', 'has:code retrieval', 'year:2023 diffusion', 'cat:cs.LG optimizer', 'author:vaswani',
  'after:2024-01 before:2024-06 language', 'tranformer',
];

// Operators of to_tsquery around ordinary words (not stop words, whose handling differs; see above).
const HOSTILE = ["transformer & attention | !graph <-> 'model' \\ :* (vision", "'; DROP TABLE papers; --", '\\\\ \' " ! & | <-> <2> :X :* diffusion', 'x:QRS', '((((', '—', ''];

const postgres = DIALECTS.find((d) => d.name === 'postgres');

describe.runIf(postgres)('PostgreSQL keyword search against SQLite FTS5 on the demo corpus', () => {
  const contexts: TempContext[] = [];
  const engines: Array<(q: string) => Promise<KeywordResult>> = [];
  beforeAll(async () => {
    for (const dialect of DIALECTS) {
      const ctx = await createDialectContext(dialect);
      contexts.push(ctx);
      await ingestSource(ctx.database, DEMO_CORPUS_PATH, { format: 'seed', http: ctx.http, log: () => {} });
      await applyRecords(ctx.database.db, [
        { source: 'arxiv-api', arxivId: '2401.00001', title: 'A Tagged Optimizer Paper', abstract: 'An optimizer for language models.', authors: ['Ashish Vaswani'], categories: ['cs.LG'], publishedAt: '2024-03-01T00:00:00.000Z', codeUrls: ['https://github.com/example/opt'] },
        { source: 'arxiv-api', arxivId: '2301.00002', title: 'Diffusion in 2023', abstract: 'Diffusion models, once more.', authors: ['Grace Hopper'], categories: ['stat.ML'], publishedAt: '2023-05-01T00:00:00.000Z' },
      ], new Date().toISOString());
      await updateVocabulary(ctx.database.db);
      const corrector = new SpellingCorrector(await loadVocabulary(ctx.database.db, 1, 500_000));
      const paperCount = await countPapers(ctx.database.db);
      const engine = openKeywordEngine(ctx.database);
      await engine.refresh();
      engines.push(async (q) => {
        const query = parseQuery(q);
        const expansions = new Map(query.terms.flatMap((t) => (t.kind === 'word' && !t.negated ? [[t.text.toLowerCase(), corrector.expand(t.text.toLowerCase())] as const] : [])).filter(([, alts]) => alts.length > 0));
        const sort = query.sort === 'newest' ? ('newest' as const) : ('relevance' as const);
        return engine.search(query, { limit: 20, sort, expansions, docCount: (w) => corrector.docCount(w), paperCount });
      });
    }
  }, 120_000);
  afterAll(async () => {
    for (const ctx of contexts) await ctx.dispose();
  });

  it.each(SAME_ON_BOTH)('finds and ranks %s as FTS5 does', async (q) => {
    const [sqlite, pg] = [await engines[0]!(q), await engines[1]!(q)];
    expect(pg.total).toBe(sqlite.total);
    expect(pg.hits.map((h) => h.seq)).toEqual(sqlite.hits.map((h) => h.seq));
    expect(pg.hits.map((h) => h.score)).toEqual(sqlite.hits.map((h) => h.score));
  });

  it('answers filters from the tags in the index', async () => {
    const pg = engines[1]!;
    expect((await pg('cat:cs.LG optimizer')).total).toBeGreaterThan(0);
    expect((await pg('author:vaswani optimizer year:2024 has:code')).total).toBe(1);
    expect((await pg('diffusion year:2023')).total).toBe(1);
    expect((await pg('diffusion year:2023 has:code')).total).toBe(0);
  });

  it.each(HOSTILE)('treats tsquery syntax in %j as text', async (q) => {
    const [sqlite, pg] = [await engines[0]!(q), await engines[1]!(q)];
    expect(pg.hits.map((h) => h.seq)).toEqual(sqlite.hits.map((h) => h.seq));
  });
});
