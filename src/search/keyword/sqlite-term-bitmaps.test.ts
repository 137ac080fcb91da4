/**
 * The term bitsets only choose which papers FTS5 checks: every scan answered
 * through them must equal FTS5's own scan, for any query, also after papers
 * are added, changed or deleted behind their back. Real SQLite file, real
 * FTS5, the demo corpus plus tagged copies of it (categories, years, code).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempContext, type TempContext } from '../../../test/support/temp-context.js';
import { applyRecords } from '../../catalogue/apply-records.js';
import type { PaperRecord } from '../../catalogue/paper.js';
import { DEMO_CORPUS_PATH } from '../../config/paths.js';
import { ingestSource } from '../../ingest/run-ingest.js';
import { parseQuery } from '../query/search-query.js';
import { createRandom } from '../semantic/linalg.js';
import { STOPWORDS, tokenize } from '../text/tokenize.js';
import { updateVocabulary } from '../spelling/vocabulary-store.js';
import { SearchService } from '../search-service.js';
import { SqliteKeywordSearch } from './sqlite-keyword-search.js';

const CATEGORIES = ['cs.LG', 'cs.CL', 'stat.ML', 'cs.CV'];

describe('SQLite term bitsets', () => {
  let ctx: TempContext;
  let plain: SqliteKeywordSearch;
  let fast: SqliteKeywordSearch;
  let texts: Array<{ title: string; abstract: string }>;
  const random = createRandom(11);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  beforeAll(async () => {
    ctx = await createTempContext();
    await ingestSource(ctx.database, DEMO_CORPUS_PATH, { format: 'seed', http: ctx.http, log: () => {} });
    texts = ctx.database.sqlite!.prepare('SELECT title, abstract FROM papers ORDER BY seq').all() as typeof texts;
    const copies: PaperRecord[] = texts.map((t, i) => ({
      source: 'arxiv-api',
      arxivId: `2401.${String(10000 + i)}`,
      title: `Revisited ${i}: ${t.title}`,
      abstract: t.abstract,
      authors: [i % 2 ? 'Ada Lovelace' : 'Alan Turing'],
      categories: [CATEGORIES[i % 4]!, ...(i % 3 ? [] : ['math.OC'])],
      publishedAt: `${2018 + (i % 8)}-0${1 + (i % 9)}-15T00:00:00.000Z`,
      ...(i % 3 === 1 ? { codeUrls: [`https://github.com/example/repo${i}`] } : {}),
    }));
    await applyRecords(ctx.database.db, copies, new Date().toISOString());
    await updateVocabulary(ctx.database.db);
    plain = new SqliteKeywordSearch(ctx.database.sqlite!);
    // Words in 1% of the papers get a set; rarer ones are read from FTS5 per query.
    fast = new SqliteKeywordSearch(ctx.database.sqlite!, { termBitmaps: { minShare: 0.01 } });
    await fast.maintain();
  });
  afterAll(async () => {
    await ctx.dispose();
  });

  function randomQuery(): string {
    const source = pick(texts);
    const words = tokenize(random() < 0.5 ? source.title : source.abstract).filter((w) => !STOPWORDS.has(w));
    const n = 1 + Math.floor(random() * Math.min(5, words.length));
    const start = Math.floor(random() * (words.length - n + 1));
    let text = words.slice(start, start + n).join(' ');
    const r = random();
    if (r < 0.15) text = `"${words.slice(start, start + 2).join(' ')}"`;
    else if (r < 0.3) text += ` cat:${pick(CATEGORIES)}`;
    else if (r < 0.4) text += ` year:${2018 + Math.floor(random() * 8)}`;
    else if (r < 0.5) text += ' has:code';
    else if (r < 0.6) text += ` after:202${Math.floor(random() * 5)}-06-01`;
    else if (r < 0.7) text += ` -${pick(words)}`;
    else if (r < 0.75) text += ' author:lovelace';
    return text;
  }

  /** Both engines' recent-matches scans for a query, with a word's alternatives as spelling expansions. */
  function scans(text: string, limit: number) {
    const query = parseQuery(text);
    const words = query.terms.filter((t) => t.kind === 'word' && !t.negated).map((t) => t.text.toLowerCase());
    const expansions = new Map(words.length > 1 && random() < 0.3 ? [[words[0]!, [words[1]!, 'residual']]] : []);
    const opts = { mode: 'all' as const, expansions };
    const viaFts = plain.compile(query, opts);
    const viaSets = fast.compile(query, opts);
    return {
      fts: viaFts ? plain.matchingSeqs(viaFts, query, 'recent', limit) : [],
      sets: viaSets ? fast.matchingSeqs(viaSets, query, 'recent', limit) : [],
    };
  }

  function expectSameScans(queries: number): void {
    const before = fast.termBitmaps!.answered;
    for (let i = 0; i < queries; i++) {
      const text = randomQuery();
      for (const limit of [3, 40, 501]) {
        const { fts, sets } = scans(text, limit);
        expect(sets, `${text} (limit ${limit})`).toEqual(fts);
      }
    }
    // Most scans went through the sets (the rest had no word common enough).
    expect(fast.termBitmaps!.answered - before).toBeGreaterThan(queries);
  }

  it('keeps the common words and the year and code tags', () => {
    const snapshot = fast.termBitmaps!.snapshot!;
    expect(snapshot.size).toBeGreaterThan(100);
    // Words FTS5 indexes under one stem share its set.
    const model = snapshot.keyFor({ column: 'text', token: 'model' });
    expect(model).toBe('stem:model');
    expect(snapshot.keyFor({ column: 'text', token: 'models' })).toBe(model);
    expect(snapshot.keyFor({ column: 'text', token: 'zzzunknown' })).toBeUndefined();
    expect(snapshot.has('tags:hascode') && snapshot.has('tags:yr2024')).toBe(true);
  });

  it('answers every scan as FTS5 does', () => {
    expectSameScans(300);
  });

  it('answers hostile queries as FTS5 does, without an engine error', () => {
    const hostile = ['model " learning', 'NOT model AND', 'model -"', 'training\u0000data', '😀 model ( ) : ^ *', 'model -the -a -"of the"', `${'model '.repeat(400)}`, 'cat:"cs.LG" year:abcd has:no-code learning'];
    for (const text of hostile) {
      for (const limit of [3, 501]) {
        const { fts, sets } = scans(text, limit);
        expect(sets, text).toEqual(fts);
      }
    }
  });

  it('keeps a category tag once a query asks for it', async () => {
    scans('learning cat:cs.CL', 10);
    expect(fast.termBitmaps!.snapshot!.has('tags:catcscl')).toBe(false);
    await fast.maintain();
    expect(fast.termBitmaps!.snapshot!.has('tags:catcscl')).toBe(true);
    expectSameScans(50);
  });

  it("is built by the search service's refresh, and search answers as without it", async () => {
    const withSets = await SearchService.open({ database: ctx.database, keyword: { termBitmaps: { minShare: 0.01 } } });
    const without = await SearchService.open({ database: ctx.database });
    await withSets.refresh();
    for (let i = 0; i < 60; i++) {
      const q = randomQuery();
      const [a, b] = await Promise.all([withSets.search({ q, limit: 10, offset: 0 }), without.search({ q, limit: 10, offset: 0 })]);
      expect(a.results.map((r) => r.id), q).toEqual(b.results.map((r) => r.id));
      expect(a.total, q).toBe(b.total);
    }
    await withSets.close();
    await without.close();
  });

  it('keeps the category tags asked for through a full build', async () => {
    const rebuilding = new SqliteKeywordSearch(ctx.database.sqlite!, { termBitmaps: { minShare: 0.01, rebuildAfterChanges: 0 } });
    await rebuilding.maintain();
    const query = parseQuery('learning cat:stat.ML');
    rebuilding.matchingSeqs(rebuilding.compile(query, { mode: 'all' })!, query, 'recent', 10);
    await rebuilding.maintain();
    const before = rebuilding.termBitmaps!.snapshot!;
    expect(before.has('tags:catstatml')).toBe(true);
    const [paper] = ctx.database.sqlite!.prepare("SELECT arxiv_id FROM papers WHERE arxiv_id LIKE '2401.%' ORDER BY seq DESC LIMIT 1").pluck().all() as string[];
    await applyRecords(ctx.database.db, [{ source: 'arxiv-api', arxivId: paper!, version: 3, title: 'A changed title for a full build', abstract: 'Changed.', authors: ['Ada Lovelace'], categories: ['cs.LG'], publishedAt: '2024-02-01T00:00:00.000Z', updatedAt: '2025-03-01T00:00:00.000Z' }], new Date().toISOString());
    await rebuilding.maintain();
    const after = rebuilding.termBitmaps!.snapshot!;
    expect(after).not.toBe(before);
    expect(after.changedCount).toBe(0);
    expect(after.has('tags:catstatml')).toBe(true);
    await rebuilding.close();
  });

  it('stays exact when papers are added, changed or deleted after the sets were read', async () => {
    const sqlite = ctx.database.sqlite!;
    const [first, second] = sqlite.prepare("SELECT seq, arxiv_id FROM papers WHERE arxiv_id LIKE '2401.%' ORDER BY seq LIMIT 2").all() as Array<{ seq: number; arxiv_id: string }>;
    // A new version whose abstract gains words the sets never saw it with.
    await applyRecords(
      ctx.database.db,
      [
        { source: 'arxiv-api', arxivId: first!.arxiv_id, version: 2, title: 'Zebra gradients for residual learning', abstract: 'Zebra gradients make residual learning of language models stable.', authors: ['Ada Lovelace'], categories: ['cs.LG'], publishedAt: '2024-02-01T00:00:00.000Z', updatedAt: '2025-02-01T00:00:00.000Z' },
        { source: 'arxiv-api', arxivId: '2501.00001', title: 'Residual learning of language models at scale', abstract: 'Language models with residual learning, newly added.', authors: ['Grace Hopper'], categories: ['cs.CL'], publishedAt: '2025-01-02T00:00:00.000Z' },
      ],
      new Date().toISOString(),
    );
    sqlite.prepare('DELETE FROM papers WHERE seq = ?').run(second!.seq);
    for (const text of ['residual learning language models', 'zebra residual', 'language models cat:cs.CL', 'residual learning']) {
      for (const limit of [2, 501]) {
        const { fts, sets } = scans(text, limit);
        expect(sets, text).toEqual(fts);
      }
    }
    expect(scans('residual learning language models', 501).sets).toContain(first!.seq);
    expectSameScans(100);
    // The next update adds the new paper to the sets; the changed one stays a candidate until a full build.
    await fast.maintain();
    expect(fast.termBitmaps!.snapshot!.throughSeq).toBe(Number(sqlite.prepare('SELECT max(seq) FROM papers').pluck().get()));
    expectSameScans(100);
  });
});
