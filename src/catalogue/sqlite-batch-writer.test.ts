import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempContext, type TempContext } from '../../test/support/temp-context.js';
import { applyRecords } from './apply-records.js';
import { batchWriterFor } from './batch-writer.js';
import type { PaperRecord } from './paper.js';
import { SqliteBatchWriter } from './sqlite-batch-writer.js';

let ctx: TempContext;
beforeEach(async () => {
  ctx = await createTempContext();
});
afterEach(async () => {
  await ctx.dispose();
});

const record = (n: number, title: string): PaperRecord => ({
  source: 'kaggle',
  arxivId: `2401.0000${n}`,
  version: 1,
  title,
  abstract: `An abstract about ${title.toLowerCase()}.`,
  authors: ['Ada Lovelace'],
  categories: ['cs.LG'],
  publishedAt: '2024-01-01T00:00:00.000Z',
});

const applyInTransaction = (records: PaperRecord[], now = '2026-11-01T00:00:00.000Z') =>
  ctx.database.db.transaction().execute((trx) => applyRecords(trx, records, now, batchWriterFor(ctx.database, trx)));

async function matches(word: string): Promise<string[]> {
  const rows = await sql<{ id: string }>`SELECT papers.id FROM papers_fts JOIN papers ON papers.seq = papers_fts.rowid
    WHERE papers_fts MATCH ${word} ORDER BY papers.id`.execute(ctx.database.db);
  return rows.rows.map((r) => r.id);
}

async function integrityCheck(): Promise<void> {
  // FTS5 compares its index with the content table and fails on any difference.
  await sql`INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)`.execute(ctx.database.db);
}

describe('SqliteBatchWriter', () => {
  it('is what SQLite databases get', () => {
    expect(batchWriterFor(ctx.database, ctx.database.db)).toBeInstanceOf(SqliteBatchWriter);
  });

  it('indexes the papers it inserts, and leaves the insert trigger in force for other writers', async () => {
    await applyInTransaction([record(1, 'Sparse Transformers'), record(2, 'Dense Retrievers')]);
    expect(await matches('transformers')).toEqual(['2401.00001']);
    expect(await matches('lovelace')).toEqual(['2401.00001', '2401.00002']);
    // A paper added without the batch writer is indexed by the trigger.
    await applyRecords(ctx.database.db, [record(3, 'Graph Transformers')], '2026-11-01T00:00:00.000Z');
    expect(await matches('transformers')).toEqual(['2401.00001', '2401.00003']);
    expect(await sql`SELECT * FROM papers_fts_deferred`.execute(ctx.database.db).then((r) => r.rows)).toEqual([]);
    await integrityCheck();
  });

  it('keeps the index in step when a later record updates a paper', async () => {
    await applyInTransaction([record(1, 'Sparse Transformers')]);
    await applyInTransaction([{ ...record(1, 'Sparse Mixtures of Experts'), version: 2 }], '2026-11-02T00:00:00.000Z');
    expect(await matches('transformers')).toEqual([]);
    expect(await matches('experts')).toEqual(['2401.00001']);
    await integrityCheck();
  });

  it('stores nothing, in the table or the index, when the transaction fails', async () => {
    await expect(
      ctx.database.db.transaction().execute(async (trx) => {
        await applyRecords(trx, [record(1, 'Sparse Transformers')], '2026-11-01T00:00:00.000Z', batchWriterFor(ctx.database, trx));
        throw new Error('a later write of the batch failed');
      }),
    ).rejects.toThrow('a later write of the batch failed');
    expect(await matches('transformers')).toEqual([]);
    expect(await sql<{ n: number }>`SELECT count(*) AS n FROM papers`.execute(ctx.database.db).then((r) => r.rows[0]!.n)).toBe(0);
    await applyRecords(ctx.database.db, [record(2, 'Dense Retrievers')], '2026-11-01T00:00:00.000Z');
    expect(await matches('retrievers')).toEqual(['2401.00002']);
    await integrityCheck();
  });

  it('refuses to write outside a transaction', async () => {
    const writer = new SqliteBatchWriter(ctx.database.sqlite!);
    await expect(applyRecords(ctx.database.db, [record(1, 'Sparse Transformers')], '2026-11-01T00:00:00.000Z', writer)).rejects.toThrow(/transaction/);
  });
});
