import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempContext, type TempContext } from '../../../test/support/temp-context.js';
import { applyRecords } from '../../catalogue/apply-records.js';
import { DEMO_CORPUS_PATH } from '../../config/paths.js';
import { ingestSource } from '../../ingest/run-ingest.js';
import { SemanticIndex, type SearchHit } from './semantic-index.js';

const PARAPHRASE = 'draft tokens cheaply and verify them with the big model';
const quiet = () => undefined;

describe('SemanticIndex over the demo corpus', () => {
  let ctx: TempContext;
  let semantic: SemanticIndex;
  let titles: Map<number, string>;

  const titlesOf = (hits: SearchHit[]) => hits.map((h) => titles.get(h.seq) ?? `#${h.seq}`);
  const loadTitles = async () => {
    const rows = await ctx.database.db.selectFrom('papers').select(['seq', 'title']).execute();
    titles = new Map(rows.map((r) => [r.seq, r.title]));
  };

  beforeAll(async () => {
    ctx = await createTempContext();
    await ingestSource(ctx.database, DEMO_CORPUS_PATH, { format: 'seed', http: ctx.http, log: quiet });
    await loadTitles();
    semantic = await SemanticIndex.open(ctx.database);
  });
  afterAll(async () => {
    await semantic?.close();
    await ctx?.dispose();
  });

  it('is not ready and answers nothing before a model exists', async () => {
    expect(semantic.ready).toBe(false);
    expect(semantic.search(PARAPHRASE, 5)).toEqual([]);
    expect(semantic.similarTo(1, 5)).toEqual([]);
    expect(await semantic.update()).toBe(0);
  });

  it('rebuilds in a worker and finds papers by meaning', async () => {
    const report = await semantic.rebuild();
    expect(report).toMatchObject({ papers: 273, trainedOn: 273, dimensions: 128 });
    expect(semantic.ready).toBe(true);
    const top = titlesOf(semantic.search(PARAPHRASE, 5));
    expect(top).toHaveLength(5);
    for (const title of top) expect(title).toMatch(/Speculative|Drafter|Medusa/);
    const rows = await ctx.database.db.selectFrom('paper_vectors').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(273);
  });

  it('finds similar papers, never the paper itself', async () => {
    const seq = [...titles].find(([, t]) => t === 'Improving Multi-candidate Speculative Decoding')![0];
    const similar = semantic.similarTo(seq, 3);
    expect(similar.map((h) => h.seq)).not.toContain(seq);
    expect(titlesOf(similar).filter((t) => /Speculative|Draft/.test(t)).length).toBeGreaterThanOrEqual(2);
  });

  it('reopens from the cache files, and from the database without them, with the same answers', async () => {
    const expected = semantic.search(PARAPHRASE, 10);
    const cacheDir = join(dirname(ctx.dbPath), 'semantic-index');
    expect(readdirSync(cacheDir).some((f) => f.endsWith('.vectors'))).toBe(true);
    const cached = await SemanticIndex.open(ctx.database);
    expect(cached.search(PARAPHRASE, 10)).toEqual(expected);
    await cached.close();
    rmSync(cacheDir, { recursive: true });
    const fromDb = await SemanticIndex.open(ctx.database);
    expect(fromDb.status).toMatchObject({ ready: true, papers: 273 });
    expect(fromDb.search(PARAPHRASE, 10)).toEqual(expected);
    await fromDb.close();
  });

  it('update() embeds papers added since, without retraining', async () => {
    const modelId = semantic.status.modelId;
    await applyRecords(ctx.database.db, [
      { source: 'seed', title: 'Cheap Drafts, Exact Outputs: Speculative Sampling with a Tiny Draft Model', abstract: 'A small draft model proposes several tokens which the large target model verifies in parallel, accelerating decoding of large language models without changing the output distribution.' },
      { source: 'seed', title: 'Graph Colouring Heuristics for Timetabling', abstract: 'We schedule university exams with greedy graph colouring and tabu search.' },
    ], new Date().toISOString());
    await loadTitles();
    expect(await semantic.update()).toBe(2);
    expect(await semantic.update()).toBe(0);
    expect(semantic.status.modelId).toBe(modelId);
    expect(titlesOf(semantic.search(PARAPHRASE, 5))).toContain('Cheap Drafts, Exact Outputs: Speculative Sampling with a Tiny Draft Model');
  });

  it('keeps answering from the old index while a rebuild runs, then swaps', async () => {
    const oldModel = semantic.status.modelId;
    const rebuild = semantic.rebuild({ lsa: { seed: 7 } });
    expect(semantic.rebuild()).toBe(rebuild);
    let settled = false;
    void rebuild.finally(() => (settled = true));
    let answered = 0;
    while (!settled) {
      const hits = semantic.search(PARAPHRASE, 5);
      expect(hits).toHaveLength(5);
      answered++;
      await tick();
    }
    const report = await rebuild;
    expect(answered).toBeGreaterThan(10);
    expect(report.modelId).not.toBe(oldModel);
    expect(semantic.status).toMatchObject({ ready: true, modelId: report.modelId, papers: 275, rebuilding: false });
    const models = await ctx.database.db.selectFrom('search_models').select(['id', 'active']).execute();
    expect(models).toEqual([{ id: report.modelId, active: 1 }]);
    const cacheDir = join(dirname(ctx.dbPath), 'semantic-index');
    expect(readdirSync(cacheDir).every((f) => f.startsWith(report.modelId))).toBe(true);
  });

  it('builds the HNSW graph in the worker when the index is big enough', async () => {
    const small = await SemanticIndex.open(ctx.database, { index: { annThreshold: 100 } });
    await small.rebuild();
    expect(small.status).toMatchObject({ approximate: true, papers: 275 });
    expect(titlesOf(small.search(PARAPHRASE, 5)).filter((t) => /Speculative|Draft|Medusa/.test(t)).length).toBeGreaterThanOrEqual(4);
    await small.close();
    const reopened = await SemanticIndex.open(ctx.database, { index: { annThreshold: 100 } });
    expect(reopened.status.approximate).toBe(true);
    await reopened.close();
  });
});

describe('SemanticIndex on an in-memory database', () => {
  it('keeps its cache in a temporary directory it removes on close', async () => {
    const ctx = await createTempContext({ DATABASE_URL: ':memory:' });
    try {
      await ingestSource(ctx.database, DEMO_CORPUS_PATH, { format: 'seed', http: ctx.http, log: quiet });
      const semantic = await SemanticIndex.open(ctx.database);
      await semantic.rebuild({ lsa: { dimensions: 32 } });
      expect(semantic.search(PARAPHRASE, 3)).toHaveLength(3);
      const dir = (semantic as unknown as { cacheDir: string }).cacheDir;
      expect(existsSync(dir)).toBe(true);
      await semantic.close();
      expect(existsSync(dir)).toBe(false);
    } finally {
      await ctx.dispose();
    }
  });
});
