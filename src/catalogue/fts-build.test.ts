import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempContext, type TempContext } from '../../test/support/temp-context.js';
import { applyRecords } from './apply-records.js';
import { batchWriterFor } from './batch-writer.js';
import { FullTextBulkLoad } from './fts-build.js';
import type { PaperRecord } from './paper.js';
import { findPaperById, updatePaper } from './paper-store.js';
import { catchUpFullText, pendingRange, repairFullTextIndex } from './sqlite-fts-pending.js';

let ctx: TempContext;
beforeEach(async () => {
  ctx = await createTempContext();
});
afterEach(async () => {
  await ctx.dispose();
});

const NOW = '2026-11-01T00:00:00.000Z';
const record = (n: number, title: string, version = 1): PaperRecord => ({
  source: 'kaggle',
  arxivId: `2401.${String(n).padStart(5, '0')}`,
  version,
  title,
  abstract: `An abstract about ${title.toLowerCase()}.`,
  authors: ['Ada Lovelace'],
  categories: ['cs.LG'],
  publishedAt: '2024-01-01T00:00:00.000Z',
});

const sqlite = () => ctx.database.sqlite!;

/** One batch as ingest applies it: a transaction, then the load hears it committed. */
async function applyBatch(records: PaperRecord[], bulk?: FullTextBulkLoad): Promise<void> {
  await ctx.database.db.transaction().execute((trx) => applyRecords(trx, records, NOW, batchWriterFor(ctx.database, trx, bulk)));
  await bulk?.committed();
}

function matches(query: string): string[] {
  return (
    sqlite()
      .prepare('SELECT papers.id FROM papers_fts JOIN papers ON papers.seq = papers_fts.rowid WHERE papers_fts MATCH ? ORDER BY papers.id')
      .pluck()
      .all(query) as string[]
  );
}

function integrityCheck(): void {
  // FTS5 compares its index with the content table and fails on any difference.
  sqlite().exec(`INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)`);
}

const countRows = (table: string) => sqlite().prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const indexedRows = () => countRows('papers_fts_docsize');

const lookupIndexes = () =>
  sqlite().prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name IN ('papers_doi', 'papers_title_key') ORDER BY name").pluck().all() as string[];
/** A record without an arXiv id, matched by DOI or title only (as a seed or Hugging Face line is). */
const unidentified = (title: string, doi?: string): PaperRecord => ({ source: 'seed', title, ...(doi ? { doi } : {}), authors: ['Ada Lovelace'] });

describe('FullTextBulkLoad', () => {
  it('builds the index of an empty catalogue on the side and moves it in when finished', async () => {
    const autocheckpoint = sqlite().pragma('wal_autocheckpoint', { simple: true });
    const bulk = FullTextBulkLoad.start(ctx.database)!;
    await applyBatch([record(1, 'Sparse Transformers'), record(2, 'Dense Retrievers')], bulk);
    // A later batch brings a newer version of paper 1: its entry is replaced in the side index.
    await applyBatch([record(1, 'Sparse Mixtures of Experts', 2), record(3, 'Graph Transformers')], bulk);
    expect(matches('transformers')).toEqual([]);
    expect(pendingRange(sqlite())).toMatchObject({ fromSeq: 1, owner: bulk.owner, externalWrites: false });
    expect(await bulk.finish()).toMatchObject({ builtAside: true, caughtUp: 0, reason: undefined });
    expect(matches('transformers')).toEqual(['2401.00003']);
    expect(matches('experts')).toEqual(['2401.00001']);
    expect(matches('lovelace')).toEqual(['2401.00001', '2401.00002', '2401.00003']);
    expect(pendingRange(sqlite())).toBeUndefined();
    expect(sqlite().prepare('SELECT count(*) FROM papers_fts_deferred').pluck().get()).toBe(0);
    // The load's longer checkpoint interval ends with it.
    expect(sqlite().pragma('wal_autocheckpoint', { simple: true })).toBe(autocheckpoint);
    integrityCheck();
    // Afterwards the triggers index other writers' papers as before.
    await applyRecords(ctx.database.db, [record(4, 'Quantum Transformers')], NOW);
    expect(matches('transformers')).toEqual(['2401.00003', '2401.00004']);
    integrityCheck();
  });

  it('indexes a catalogue that was not empty from the table at the end', async () => {
    await applyBatch([record(1, 'Sparse Transformers')]);
    const bulk = FullTextBulkLoad.start(ctx.database)!;
    await applyBatch([record(2, 'Graph Transformers'), { ...record(1, 'Sparse Mixtures of Experts'), version: 2 }], bulk);
    // The paper below the pending range stays indexed, and its update is indexed at once.
    expect(matches('transformers')).toEqual([]);
    expect(matches('experts')).toEqual(['2401.00001']);
    expect(await bulk.finish()).toMatchObject({ builtAside: false, caughtUp: 1 });
    expect(matches('transformers')).toEqual(['2401.00002']);
    integrityCheck();
  });

  it('falls back to indexing from the table when another writer changes the pending papers', async () => {
    const bulk = FullTextBulkLoad.start(ctx.database)!;
    await applyBatch([record(1, 'Sparse Transformers'), record(2, 'Dense Retrievers')], bulk);
    // Another writer (no bulk load) updates a pending paper and adds one.
    const stored = (await findPaperById(ctx.database.db, '2401.00002'))!;
    await updatePaper(ctx.database.db, stored.seq, { ...stored.paper, title: 'Dense Transformers' });
    await applyBatch([record(3, 'Graph Transformers')]);
    expect(pendingRange(sqlite())).toMatchObject({ externalWrites: true });
    expect(await bulk.finish()).toMatchObject({ builtAside: false, caughtUp: 3, reason: 'another writer changed papers meanwhile' });
    expect(matches('transformers')).toEqual(['2401.00001', '2401.00002', '2401.00003']);
    expect(matches('title:retrievers')).toEqual([]);
    integrityCheck();
  });

  it('leaves a marker when the load dies, and the next start indexes what it left', async () => {
    const bulk = FullTextBulkLoad.start(ctx.database)!;
    await applyBatch([record(1, 'Sparse Transformers')], bulk);
    // A batch that fails rolls back with nothing to index.
    await expect(
      ctx.database.db.transaction().execute(async (trx) => {
        await applyRecords(trx, [record(2, 'Dense Retrievers')], NOW, batchWriterFor(ctx.database, trx, bulk));
        throw new Error('a later write of the batch failed');
      }),
    ).rejects.toThrow('a later write of the batch failed');
    bulk.rolledBack();
    // The process "dies" here: finish() never runs (only its thread is stopped).
    await (bulk as unknown as { builder: { stop(): Promise<unknown> } }).builder.stop();
    expect(matches('transformers')).toEqual([]);
    expect(indexedRows()).toBe(0);
    // Meanwhile a plain writer's paper falls in the pending range and waits too.
    await applyBatch([record(3, 'Graph Transformers')]);
    expect(matches('transformers')).toEqual([]);
    expect(repairFullTextIndex(ctx.database)).toBe(2);
    expect(matches('transformers')).toEqual(['2401.00001', '2401.00003']);
    expect(pendingRange(sqlite())).toBeUndefined();
    integrityCheck();
  });

  it('catches up in chunks, raising the marker as it goes', async () => {
    const bulk = FullTextBulkLoad.start(ctx.database)!;
    await applyBatch([1, 2, 3, 4, 5].map((n) => record(n, `Paper number ${n} about transformers`)), bulk);
    expect(catchUpFullText(sqlite(), 2)).toBe(5);
    expect(pendingRange(sqlite())).toBeUndefined();
    expect(matches('transformers')).toHaveLength(5);
    expect(await bulk.finish()).toMatchObject({ builtAside: false, caughtUp: 0, reason: 'the pending range changed hands' });
    integrityCheck();
  });
  it('drops the DOI and title-key indexes of an empty catalogue while it loads, matching by its own keys meanwhile', async () => {
    const bulk = FullTextBulkLoad.start(ctx.database)!;
    expect(lookupIndexes()).toEqual([]);
    await applyBatch([unidentified('Sparse Transformers for Long Sequences', '10.1000/sparse'), unidentified('Dense Retrievers at Scale')], bulk);
    // Later batches find those papers by DOI and by title, as the indexes would.
    await applyBatch([unidentified('Sparse transformers for long sequences (extended)', '10.1000/sparse'), unidentified('Dense retrievers at scale')], bulk);
    expect(countRows('papers')).toBe(2);
    expect(await bulk.finish()).toMatchObject({ builtAside: true });
    expect(lookupIndexes()).toEqual(['papers_doi', 'papers_title_key']);
    integrityCheck();
  });

  it('creates the lookup indexes again as soon as another writer adds papers, and still finds theirs', async () => {
    const bulk = FullTextBulkLoad.start(ctx.database)!;
    await applyBatch([unidentified('Sparse Transformers for Long Sequences', '10.1000/sparse')], bulk);
    await applyBatch([unidentified('Graph Networks for Molecules', '10.1000/graph')]);
    await applyBatch([unidentified('Graph networks for molecules'), unidentified('Another title entirely', '10.1000/sparse')], bulk);
    expect(lookupIndexes()).toEqual(['papers_doi', 'papers_title_key']);
    expect(countRows('papers')).toBe(2);
    await bulk.finish();
    integrityCheck();
  });

  it('a load that dies without its lookup indexes gets them back on the next start', async () => {
    const bulk = FullTextBulkLoad.start(ctx.database)!;
    await applyBatch([unidentified('Sparse Transformers for Long Sequences', '10.1000/sparse')], bulk);
    await (bulk as unknown as { builder: { stop(): Promise<unknown> } }).builder.stop();
    expect(lookupIndexes()).toEqual([]);
    repairFullTextIndex(ctx.database);
    expect(lookupIndexes()).toEqual(['papers_doi', 'papers_title_key']);
    expect(matches('sparse')).toHaveLength(1);
  });

  it('keeps the lookup indexes when loading into a catalogue that is not empty', async () => {
    await applyBatch([record(1, 'Sparse Transformers')]);
    const bulk = FullTextBulkLoad.start(ctx.database)!;
    expect(lookupIndexes()).toEqual(['papers_doi', 'papers_title_key']);
    await bulk.finish();
  });
});
