/**
 * SQLite's title index is derived from `papers`: search indexes papers stored
 * since its watermark, and triggers keep indexed papers in step when their
 * title or tags change or they are deleted. Real SQLite files, real FTS5.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempContext, type TempContext } from '../../../test/support/temp-context.js';
import { applyRecords } from '../../catalogue/apply-records.js';
import type { PaperRecord } from '../../catalogue/paper.js';
import { rebuildTitleIndex, updateTitleIndex } from './sqlite-title-index.js';

const paper = (arxivId: string, title: string, version = 1): PaperRecord => ({
  source: 'arxiv-api',
  arxivId,
  version,
  title,
  abstract: 'An abstract that mentions gears and widgets.',
  authors: ['Ada Lovelace'],
  categories: ['cs.LG'],
  publishedAt: '2024-05-01T00:00:00.000Z',
  updatedAt: `2024-05-0${version}T00:00:00.000Z`,
});

describe('SQLite title index', () => {
  let ctx: TempContext;
  const titleMatches = (expression: string) =>
    (ctx.database.sqlite!.prepare('SELECT rowid FROM papers_fts_title WHERE papers_fts_title MATCH ? ORDER BY rowid').pluck().all(expression) as number[]);
  const entries = () => ctx.database.sqlite!.prepare('SELECT count(*) FROM papers_fts_title_docsize').pluck().get();
  const seqOf = async (arxivId: string) => Number((await ctx.database.db.selectFrom('papers').select('seq').where('arxiv_id', '=', arxivId).executeTakeFirstOrThrow()).seq);

  beforeEach(async () => {
    ctx = await createTempContext();
    await applyRecords(ctx.database.db, [paper('2405.00001', 'Sparse mixture of experts'), paper('2405.00002', 'Dense retrieval at scale')], '2026-01-01T00:00:00.000Z');
  });
  afterEach(async () => {
    await ctx.dispose();
  });

  it('indexes papers stored since the last update, once', async () => {
    expect(await updateTitleIndex(ctx.database.sqlite!)).toBe(2);
    expect(await updateTitleIndex(ctx.database.sqlite!)).toBe(0);
    await applyRecords(ctx.database.db, [paper('2405.00003', 'Experts in the loop')], '2026-01-02T00:00:00.000Z');
    expect(titleMatches('experts')).toEqual([await seqOf('2405.00001')]);
    expect(await updateTitleIndex(ctx.database.sqlite!)).toBe(1);
    expect(titleMatches('experts')).toEqual([await seqOf('2405.00001'), await seqOf('2405.00003')]);
    expect(entries()).toBe(3);
    // Filter tags are indexed with the title: cat:cs.LG and the year answer from this index too.
    expect(titleMatches('experts AND search_tags : (catcslg AND yr2024)')).toHaveLength(2);
  });

  it('follows a new version that changes an indexed title', async () => {
    await updateTitleIndex(ctx.database.sqlite!);
    await applyRecords(ctx.database.db, [paper('2405.00002', 'Dense passage retrieval revisited', 2)], '2026-01-02T00:00:00.000Z');
    const seq = await seqOf('2405.00002');
    expect(titleMatches('revisited')).toEqual([seq]);
    expect(titleMatches('scale')).toEqual([]);
    expect(entries()).toBe(2);
  });

  it('forgets a deleted paper', async () => {
    await updateTitleIndex(ctx.database.sqlite!);
    const seq = await seqOf('2405.00001');
    await ctx.database.db.deleteFrom('paper_signals').where('paper_seq', '=', seq).execute();
    await ctx.database.db.deleteFrom('papers').where('seq', '=', seq).execute();
    expect(titleMatches('experts')).toEqual([]);
    expect(entries()).toBe(1);
  });

  it('rebuilds from the whole catalogue', async () => {
    await updateTitleIndex(ctx.database.sqlite!);
    expect(await rebuildTitleIndex(ctx.database.sqlite!)).toBe(2);
    expect(entries()).toBe(2);
    expect(titleMatches('dense AND retrieval')).toEqual([await seqOf('2405.00002')]);
  });
});
