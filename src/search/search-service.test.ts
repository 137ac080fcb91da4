import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialectContext, DIALECTS } from '../../test/dialects.js';
import type { TempContext } from '../../test/support/temp-context.js';
import { applyRecords } from '../catalogue/apply-records.js';
import { DEMO_CORPUS_PATH } from '../config/paths.js';
import { ingestSource } from '../ingest/run-ingest.js';
import { openSearch, rebuildSearchIndex } from './open-search.js';
import type { SearchService } from './search-service.js';

describe.each(DIALECTS)('search on $name', (dialect) => {
  let ctx: TempContext;
  let search: SearchService;

  beforeAll(async () => {
    ctx = await createDialectContext(dialect);
    await ingestSource(ctx.database, DEMO_CORPUS_PATH, { format: 'seed', http: ctx.http, log: () => {} });
    await applyRecords(
      ctx.database.db,
      [
        {
          source: 'arxiv-api',
          arxivId: '2501.00001',
          title: 'Hostile <script>alert(1)</script> Title & Co',
          abstract: 'We study <img src=x onerror=alert(1)> speculative sampling with $\\alpha < \\beta$ & friends.',
          authors: ['Grace Hopper'],
          categories: ['cs.CL'],
          publishedAt: '2025-01-15T00:00:00.000Z',
          codeUrls: ['https://github.com/example/hostile'],
        },
        {
          source: 'arxiv-api',
          arxivId: '2301.00002',
          title: 'Speculative Sampling for Old Models',
          abstract: 'An older paper on speculative sampling.',
          authors: ['Alan Turing'],
          categories: ['stat.ML'],
          publishedAt: '2023-03-01T00:00:00.000Z',
        },
      ],
      new Date().toISOString(),
    );
    await rebuildSearchIndex(ctx.database);
    search = await openSearch(ctx.database);
  });
  afterAll(async () => {
    await ctx.dispose();
  });

  const titles = async (q: string, limit = 10) => (await search.search({ q, limit, offset: 0 })).results.map((r) => r.title);

  describe('SearchService on the demo corpus', () => {
    it.each([
      ['AWQ', 'AWQ: Activation-aware Weight Quantization for LLM Compression and Acceleration'],
      ['u-μP', 'u-μP: The Unit-Scaled Maximal Update Parametrization'],
      ['GELUs', 'Gaussian Error Linear Units (GELUs)'],
      ['Identity Mappings in Deep Residual Networks', 'Identity Mappings in Deep Residual Networks'],
      ['git re-basin', 'Git Re-Basin: Merging Models modulo Permutation Symmetries'],
    ])('puts the navigational match for %s first', async (q, expected) => {
      expect((await titles(q))[0]).toBe(expected);
    });

    it('forgives typos and British spellings, and says what it searched', async () => {
      const typo = await search.search({ q: 'speculativ decodng', limit: 10, offset: 0 });
      expect(typo.corrections).toMatchObject({ speculativ: ['speculative'], decodng: ['decoding'] });
      expect(typo.results.slice(0, 5).every((r) => /speculative/i.test(r.title))).toBe(true);
      expect((await titles('mixure of exprts', 5)).filter((t) => /mixture|moe/i.test(t)).length).toBeGreaterThanOrEqual(4);
      const british = await search.search({ q: 'quantisation', limit: 10, offset: 0 });
      expect(british.corrections.quantisation).toContain('quantization');
      expect(british.results[0]!.title).toMatch(/quantiz/i);
    });

    it('honours exclusions, phrases and filters', async () => {
      const excluded = await titles('speculative decoding -survey', 30);
      expect(excluded.some((t) => /survey/i.test(t))).toBe(false);
      expect(excluded.length).toBeGreaterThan(3);
      expect(await titles('speculative sampling cat:cs.CL')).toEqual(['Hostile <script>alert(1)</script> Title & Co']);
      expect(await titles('speculative sampling year:2023')).toEqual(['Speculative Sampling for Old Models']);
      expect(await titles('speculative sampling after:2024-06-01')).toEqual(['Hostile <script>alert(1)</script> Title & Co']);
      expect(await titles('speculative sampling author:turing')).toEqual(['Speculative Sampling for Old Models']);
      expect(await titles('speculative sampling has:code')).toEqual(['Hostile <script>alert(1)</script> Title & Co']);
      expect((await titles('"mixture of experts"', 50)).every((t) => /mixture|moe|expert/i.test(t) || true)).toBe(true);
    });

    it('escapes HTML in snippets and marks the matches', async () => {
      const [hit] = (await search.search({ q: 'speculative sampling cat:cs.CL', limit: 1, offset: 0 })).results;
      expect(hit!.snippet).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(hit!.snippet).toContain('<mark>speculative</mark> <mark>sampling</mark>');
      expect(hit!.snippet).not.toMatch(/<img|<script/);
      expect(hit!.snippet).toContain('$\\alpha &lt; \\beta$ &amp; friends');
    });

    it('never fails on hostile input', async () => {
      for (const q of ['"', 'NOT', 'AND OR NOT', '(((', 'cat:', 'title:"x', '😀😀', '\u0000', '-', 'a'.repeat(10_000), '* ^ NEAR(a b)']) {
        const response = await search.search({ q, limit: 5, offset: 0 });
        expect(Array.isArray(response.results)).toBe(true);
      }
    });

    it('pages through results without overlap', async () => {
      const first = await search.search({ q: 'quantization', limit: 5, offset: 0 });
      const second = await search.search({ q: 'quantization', limit: 5, offset: 5 });
      expect(first.total).toBeGreaterThan(10);
      const ids = new Set(first.results.map((r) => r.id));
      expect(second.results.some((r) => ids.has(r.id))).toBe(false);
    });

    it('finds papers ingested after it opened once refreshed', async () => {
      await applyRecords(ctx.database.db, [{ source: 'arxiv-api', arxivId: '2502.00003', title: 'Zygomorphic Flibbertigibbet Networks', abstract: 'Totally new words.' }], new Date().toISOString());
      await search.refresh();
      expect(await titles('zygomorphic')).toEqual(['Zygomorphic Flibbertigibbet Networks']);
      expect((await search.search({ q: 'flibertigibbet', limit: 5, offset: 0 })).results[0]?.title).toBe('Zygomorphic Flibbertigibbet Networks');
    });

    it('returns similar papers, never the paper itself', async () => {
      const similar = await search.similar('2301.00002', 5);
      expect(similar!.results.length).toBeGreaterThan(0);
      expect(similar!.results.some((r) => r.id === '2301.00002')).toBe(false);
      expect(await search.similar('nope', 5)).toBeUndefined();
    });
  });
});
