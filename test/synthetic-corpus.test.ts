import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaperGenerator, writeSyntheticCorpus } from '../bench/synthetic-corpus.js';
import { ARXIV_CATEGORIES } from '../src/catalogue/arxiv-taxonomy.js';
import { parseArxivId } from '../src/catalogue/identifiers.js';
import { loadConfig } from '../src/config/config.js';
import { createContext } from '../src/context.js';
import { ingestSource } from '../src/ingest/run-ingest.js';

const KEYS = [
  'id', 'submitter', 'authors', 'title', 'comments', 'journal-ref', 'doi', 'report-no',
  'categories', 'license', 'abstract', 'versions', 'update_date', 'authors_parsed',
];
const PAPERS = 2000;

describe('synthetic Kaggle corpus', () => {
  let dir: string;
  let corpus: string;
  let lines: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paperboy-synthetic-'));
    corpus = join(dir, 'corpus.jsonl');
    const { bytes } = await writeSyntheticCorpus(corpus, { papers: PAPERS, seed: 7 });
    const text = readFileSync(corpus, 'utf8');
    expect(Buffer.byteLength(text)).toBe(bytes);
    lines = text.split('\n');
    expect(lines.pop()).toBe('');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one JSON object per line with the snapshot keys and unique, valid, increasing ids', () => {
    expect(lines).toHaveLength(PAPERS);
    const papers = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const paper of papers) expect(Object.keys(paper)).toEqual(KEYS);
    const ids = papers.map((p) => p.id as string);
    expect(new Set(ids).size).toBe(PAPERS);
    for (const id of ids) expect(parseArxivId(id)?.id).toBe(id);
    const newStyle = ids.filter((id) => !id.includes('/'));
    expect(newStyle.length).toBeGreaterThan(PAPERS * 0.9);
    expect([...newStyle].sort()).toEqual(newStyle);
    const firstDates = papers.map((p) => Date.parse((p.versions as Array<{ created: string }>)[0]!.created));
    for (let i = 1; i < firstDates.length; i++) expect(firstDates[i]).toBeGreaterThanOrEqual(firstDates[i - 1]!);
  });

  it('has realistic metadata mixes', () => {
    const papers = lines.map((line) => JSON.parse(line) as Record<string, string | null>);
    const share = (test: (p: Record<string, string | null>) => boolean) => papers.filter(test).length / PAPERS;
    expect(share((p) => p.doi !== null)).toBeGreaterThan(0.2);
    expect(share((p) => p.doi !== null)).toBeLessThan(0.3);
    expect(share((p) => p['journal-ref'] !== null)).toBeGreaterThan(0.15);
    expect(share((p) => p['journal-ref'] !== null)).toBeLessThan(0.25);
    expect(share((p) => /github\.com\//.test(`${p.abstract} ${p.comments}`))).toBeGreaterThan(0.07);
    expect(share((p) => /github\.com\//.test(`${p.abstract} ${p.comments}`))).toBeLessThan(0.13);
    expect(share((p) => /\\['"`^~]/.test(p.authors!))).toBeGreaterThan(0.05);
    const dois = papers.flatMap((p) => (p.doi ? [p.doi.toLowerCase()] : []));
    expect(new Set(dois).size).toBe(dois.length);
    const legacy = new Set(['astro-ph', 'cond-mat', 'physics']);
    for (const p of papers) {
      for (const c of p.categories!.split(' ')) expect(c in ARXIV_CATEGORIES || legacy.has(c), c).toBe(true);
    }
  });

  it('is deterministic for a seed', () => {
    const a = createPaperGenerator(3, { papers: 50 });
    const b = createPaperGenerator(3, { papers: 50 });
    for (let i = 0; i < 50; i++) expect(a.next()).toEqual(b.next());
    expect(a.next()).toBeUndefined();
    expect(createPaperGenerator(4, { papers: 1 }).next()).not.toEqual(createPaperGenerator(3, { papers: 1 }).next());
  });

  it('ingests completely with the real ingest path', async () => {
    const ctx = await createContext(loadConfig({}, { DATABASE_URL: join(dir, 'test.db'), DEMO_CORPUS: 'false' }));
    try {
      const log: string[] = [];
      const first = await ingestSource(ctx.database, corpus, { http: ctx.http, log: (m) => log.push(m) });
      expect(log).toEqual([]);
      expect(first).toMatchObject({ format: 'kaggle', new: PAPERS, updated: 0, unchanged: 0, rejected: 0 });
      const again = await ingestSource(ctx.database, corpus, { http: ctx.http, log: (m) => log.push(m) });
      expect(again).toMatchObject({ new: 0, updated: 0, unchanged: PAPERS, rejected: 0 });
    } finally {
      await ctx.close();
    }
  });
});
