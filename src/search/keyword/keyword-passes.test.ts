/**
 * The keyword passes over match sets too large to score in full: the count
 * stops at COUNT_CAP (a lower bound past it), the window holds the most
 * recent matches, and papers with every word in the title come first however
 * old they are. On both dialects, through their real indexes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialectContext, DIALECTS } from '../../../test/dialects.js';
import type { TempContext } from '../../../test/support/temp-context.js';
import { applyRecords } from '../../catalogue/apply-records.js';
import type { PaperRecord } from '../../catalogue/paper.js';
import { parseQuery } from '../query/search-query.js';
import { COUNT_CAP, type KeywordResult } from './keyword-passes.js';
import { openKeywordEngine } from './keyword-engine.js';

const PAPERS = 1_200;

/** Paper i (1-based) is published on day i from 2013-01-01, so seq order is date order. */
function record(i: number): PaperRecord {
  const published = new Date(Date.UTC(2013, 0, 1) + (i - 1) * 86_400_000 * 3).toISOString();
  // Papers 1, 600 and 1,150 have both words in the title; every paper has them in the abstract.
  const inTitle = i === 1 || i === 600 || i === 1_150;
  const rare = i % 3 === 0 ? ' sprocket' : '';
  // Paper 600 alone says "forbidden", in its abstract only.
  const excluded = i === 600 ? ' forbidden' : '';
  return {
    source: 'arxiv-api',
    arxivId: `2001.${String(i).padStart(5, '0')}`,
    title: inTitle ? `Widget gears number ${i}` : `A study number ${i}`,
    abstract: `We measure the widget and its gears${rare}${excluded} in setting ${i}.`,
    authors: [`Author ${i}`],
    categories: ['cs.LG'],
    publishedAt: published,
  };
}

describe.each(DIALECTS)('keyword passes over a large match set on $name', (dialect) => {
  let ctx: TempContext;
  let search: (q: string, sort?: 'relevance' | 'newest') => Promise<KeywordResult>;
  const seqOf = new Map<number, number>();

  beforeAll(async () => {
    ctx = await createDialectContext(dialect);
    await applyRecords(ctx.database.db, Array.from({ length: PAPERS }, (_, i) => record(i + 1)), '2026-01-01T00:00:00.000Z');
    const rows = await ctx.database.db.selectFrom('papers').select(['seq', 'arxiv_id']).execute();
    for (const row of rows) seqOf.set(Number(row.arxiv_id!.slice(5)), Number(row.seq));
    const engine = openKeywordEngine(ctx.database);
    // SQLite's title index is derived: search brings it up to date after ingests.
    await engine.refresh();
    search = (q, sort = 'relevance') => engine.search(parseQuery(q), { limit: 100, sort, expansions: new Map(), docCount: () => PAPERS, paperCount: PAPERS });
  }, 120_000);
  afterAll(async () => {
    await ctx.dispose();
  });

  it('counts up to the cap and says the total is a lower bound past it', async () => {
    const result = await search('widget gears');
    expect(result.total).toBe(COUNT_CAP);
    expect(result.totalCapped).toBe(true);
    expect(result.approximate).toBe(true);
  });

  it('counts a match set below the cap exactly', async () => {
    const result = await search('widget sprocket');
    expect(result.total).toBe(PAPERS / 3);
    expect(result.totalCapped).toBe(false);
  });

  it('puts papers with every word in the title first, the oldest included', async () => {
    const result = await search('widget gears');
    expect(new Set(result.hits.slice(0, 3).map((h) => h.seq))).toEqual(new Set([1, 600, 1_150].map((i) => seqOf.get(i))));
    // The rest of the window is the most recent matches.
    expect(result.hits[3]!.seq).toBe(seqOf.get(PAPERS));
  });

  it('excludes a paper whose abstract holds an excluded word from the title tier too', async () => {
    const result = await search('widget gears -forbidden');
    const seqs = result.hits.map((h) => h.seq);
    expect(new Set(seqs.slice(0, 2))).toEqual(new Set([1, 1_150].map((i) => seqOf.get(i))));
    expect(seqs).not.toContain(seqOf.get(600));
  });

  it('ranks by date for sort:newest', async () => {
    const result = await search('widget gears', 'newest');
    expect(result.hits.slice(0, 3).map((h) => h.seq)).toEqual([PAPERS, PAPERS - 1, PAPERS - 2].map((i) => seqOf.get(i)));
  });

  it('counts date-bounded matches the same whether the year tags or SQL settle the bound', async () => {
    // Paper i is published 3(i-1) days after 2013-01-01: 2021 starts at paper 975, 2021-03-01 at paper 995.
    const fromYear = await search('widget after:2021-01-01');
    const fromDay = await search('widget after:2021-03-01');
    const firstOf = (date: string) => Array.from({ length: PAPERS }, (_, i) => record(i + 1)).findIndex((p) => p.publishedAt! >= date) + 1;
    expect(PAPERS - firstOf('2021-01-01') + 1).toBeLessThan(COUNT_CAP);
    expect(fromYear.total).toBe(PAPERS - firstOf('2021-01-01') + 1);
    expect(fromDay.total).toBe(PAPERS - firstOf('2021-03-01') + 1);
    expect(fromYear.totalCapped || fromDay.totalCapped).toBe(false);
  });
});
