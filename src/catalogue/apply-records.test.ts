import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempContext, type TempContext } from '../../test/support/temp-context.js';
import { applyRecords } from './apply-records.js';
import { batchWriterFor } from './batch-writer.js';
import { countPapers, findPaperById, iteratePapers, latestSignalValues } from './paper-store.js';
import type { Paper, PaperRecord } from './paper.js';

let ctx: TempContext;
beforeEach(async () => {
  ctx = await createTempContext();
});
afterEach(async () => {
  await ctx.dispose();
});

// Every behaviour holds for the dialect-neutral queries and for the database's own batch writer (as ingest uses it).
const WRITERS = [
  { name: 'Kysely queries', apply: (records: PaperRecord[], now: string) => applyRecords(ctx.database.db, records, now) },
  {
    name: 'the database’s batch writer',
    apply: (records: PaperRecord[], now: string) =>
      ctx.database.db.transaction().execute((trx) => applyRecords(trx, records, now, batchWriterFor(ctx.database, trx))),
  },
];
let applyWith: (typeof WRITERS)[number]['apply'];
const apply = (records: PaperRecord[], now = '2026-11-01T00:00:00.000Z') => applyWith(records, now);

async function all(): Promise<Paper[]> {
  const out: Paper[] = [];
  for await (const p of iteratePapers(ctx.database.db)) out.push(p);
  return out;
}

const v1: PaperRecord = {
  source: 'kaggle',
  arxivId: '2401.00001',
  version: 1,
  title: 'Speculative Decoding for Fun',
  abstract: 'We draft tokens cheaply. Code: https://github.com/Foo/Bar',
  authors: ['Ada Lovelace', 'Alan Turing'],
  categories: ['cs.CL', 'cs.LG'],
  publishedAt: '2024-01-01T00:00:00.000Z',
};

describe.each(WRITERS)('applyRecords with $name', (writer) => {
  beforeEach(() => {
    applyWith = writer.apply;
  });

  it('stores a new paper with derived links and code', async () => {
    expect(await apply([v1])).toEqual({ new: 1, updated: 0, unchanged: 0 });
    const stored = (await findPaperById(ctx.database.db, '2401.00001'))!.paper;
    expect(stored).toMatchObject({
      id: '2401.00001',
      absUrl: 'https://arxiv.org/abs/2401.00001',
      pdfUrl: 'https://arxiv.org/pdf/2401.00001',
      codeUrls: ['https://github.com/foo/bar'],
      sources: ['kaggle'],
      updatedAt: null,
      firstSeenAt: '2026-11-01T00:00:00.000Z',
    });
  });

  it('is idempotent: the same input again changes nothing', async () => {
    await apply([v1]);
    const before = await all();
    expect(await apply([v1], '2026-11-02T00:00:00.000Z')).toEqual({ new: 0, updated: 0, unchanged: 1 });
    expect(await all()).toEqual(before);
  });

  it('lets a newer version update the record and ignores an older one', async () => {
    await apply([v1]);
    const v2: PaperRecord = { ...v1, version: 2, title: 'Speculative Decoding, Revised', updatedAt: '2024-03-01T00:00:00.000Z', authors: ['Ada Lovelace'] };
    expect(await apply([v2], '2026-11-02T00:00:00.000Z')).toEqual({ new: 0, updated: 1, unchanged: 0 });
    // v1 arriving late (another source) must not roll the paper back.
    expect(await apply([{ ...v1, source: 'arxiv-api' }], '2026-11-03T00:00:00.000Z')).toEqual({ new: 0, updated: 1, unchanged: 0 });
    const paper = (await findPaperById(ctx.database.db, '2401.00001'))!.paper;
    expect(paper).toMatchObject({
      version: 2,
      title: 'Speculative Decoding, Revised',
      authors: ['Ada Lovelace'],
      publishedAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-03-01T00:00:00.000Z',
      sources: ['arxiv-api', 'kaggle'],
      firstSeenAt: '2026-11-01T00:00:00.000Z',
      lastSeenAt: '2026-11-03T00:00:00.000Z',
    });
    expect(await countPapers(ctx.database.db)).toBe(1);
  });

  it('merges a title-only record with the arXiv record and keeps the old id as an alias', async () => {
    await apply([{ source: 'seed', title: 'Speculative decoding for fun.', abstract: 'We draft tokens cheaply.' }]);
    const [seedPaper] = await all();
    expect(seedPaper!.id).toMatch(/^pb-[0-9a-f]{12}$/);
    expect(seedPaper!.authors).toEqual([]);
    expect(seedPaper!.publishedAt).toBeNull();
    expect(await apply([v1])).toEqual({ new: 0, updated: 1, unchanged: 0 });
    expect(await countPapers(ctx.database.db)).toBe(1);
    const byOldId = await findPaperById(ctx.database.db, seedPaper!.id);
    expect(byOldId!.paper.id).toBe('2401.00001');
    expect(byOldId!.paper.authors).toEqual(['Ada Lovelace', 'Alan Turing']);
    expect(byOldId!.paper.sources).toEqual(['seed', 'kaggle']);
  });

  it('matches by DOI when there is no arXiv id, but never merges different arXiv ids', async () => {
    await apply([{ ...v1, doi: '10.1000/xyz' }]);
    expect(await apply([{ source: 'seed', title: 'A journal title that differs', doi: '10.1000/xyz' }])).toMatchObject({ new: 0 });
    // Same title, different arXiv id: two papers.
    expect(await apply([{ ...v1, arxivId: '2401.00002' }])).toMatchObject({ new: 1 });
    expect(await countPapers(ctx.database.db)).toBe(2);
  });

  it('deduplicates repeats inside one batch', async () => {
    expect(await apply([v1, { ...v1, source: 'arxiv-oai', version: undefined }, { ...v1, version: 2 }])).toEqual({ new: 1, updated: 2, unchanged: 0 });
    expect(await countPapers(ctx.database.db)).toBe(1);
  });

  it('does not merge short generic titles', async () => {
    await apply([{ source: 'seed', title: 'Erratum', abstract: 'a' }]);
    expect(await apply([{ source: 'arxiv-api', arxivId: '2401.00009', title: 'Erratum' }])).toMatchObject({ new: 1 });
  });

  it('stores a signal only when its value changes', async () => {
    const hf: PaperRecord = { ...v1, source: 'huggingface', signals: [{ metric: 'upvotes', value: 10 }] };
    await apply([hf]);
    expect(await apply([hf])).toEqual({ new: 0, updated: 0, unchanged: 1 });
    expect(await apply([{ ...hf, signals: [{ metric: 'upvotes', value: 12 }] }])).toEqual({ new: 0, updated: 1, unchanged: 0 });
    const { seq } = (await findPaperById(ctx.database.db, '2401.00001'))!;
    expect((await latestSignalValues(ctx.database.db, [seq])).get(`${seq}|huggingface|upvotes`)).toBe(12);
    const rows = await ctx.database.db.selectFrom('paper_signals').selectAll().execute();
    expect(rows.map((r) => r.value)).toEqual([10, 12]);
  });
});
