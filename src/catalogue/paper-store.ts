/**
 * The catalogue's queries. Only this module (and its siblings in other
 * packages) writes SQL; everything above it works with `Paper` objects.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { paperToRow, rowToPaper } from './paper-row.js';
import type { Paper, SignalObservation } from './paper.js';

export type Executor = Kysely<Database>;

export interface StoredPaper {
  seq: number;
  paper: Paper;
}

/** SQLite allows 32,766 bound parameters per statement; stay well below. */
const IN_LIST_CHUNK = 500;
const INSERT_CHUNK = 400;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface MatchKeys {
  arxivIds: string[];
  dois: string[];
  titleKeys: string[];
}

/** Every stored paper that shares an arXiv id, DOI or title key with the batch. */
export async function findByKeys(db: Executor, keys: MatchKeys): Promise<StoredPaper[]> {
  const found = new Map<number, StoredPaper>();
  const lookups: Array<['arxiv_id' | 'doi' | 'title_key', string[]]> = [
    ['arxiv_id', keys.arxivIds],
    ['doi', keys.dois],
    ['title_key', keys.titleKeys],
  ];
  for (const [column, values] of lookups) {
    for (const part of chunks([...new Set(values)], IN_LIST_CHUNK)) {
      const rows = await db.selectFrom('papers').selectAll().where(column, 'in', part).execute();
      for (const row of rows) if (!found.has(row.seq)) found.set(row.seq, { seq: row.seq, paper: rowToPaper(row) });
    }
  }
  return [...found.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * The lookups and inserts that applying a batch of records needs, the part of
 * ingest whose cost grows with the catalogue. This module's Kysely queries
 * serve every dialect; SQLite has a faster one (sqlite-batch-writer.ts).
 */
export interface BatchWriter {
  findByKeys(keys: MatchKeys): Promise<StoredPaper[]>;
  /** Inserts new papers (and whatever keeps the full-text index in step); seq by paper id. */
  insertPapers(papers: Paper[]): Promise<Map<string, number>>;
  /** Rewrites a stored paper (`before` is what is stored). */
  updatePaper(seq: number, before: Paper, after: Paper): Promise<void>;
  /** After the batch's last write, before its transaction commits. */
  endBatch(): Promise<void>;
}

export function kyselyBatchWriter(db: Executor): BatchWriter {
  return {
    findByKeys: (keys) => findByKeys(db, keys),
    insertPapers: (papers) => insertPapers(db, papers),
    updatePaper: (seq, _before, after) => updatePaper(db, seq, after),
    endBatch: async () => {},
  };
}

export async function insertPapers(db: Executor, papers: Paper[]): Promise<Map<string, number>> {
  const seqById = new Map<string, number>();
  for (const part of chunks(papers, INSERT_CHUNK)) {
    const rows = await db.insertInto('papers').values(part.map(paperToRow)).returning(['seq', 'id']).execute();
    for (const row of rows) seqById.set(row.id, row.seq);
  }
  return seqById;
}

export async function updatePaper(db: Executor, seq: number, paper: Paper): Promise<void> {
  await db.updateTable('papers').set(paperToRow(paper)).where('seq', '=', seq).execute();
}

export async function addAlias(db: Executor, alias: string, seq: number): Promise<void> {
  await db
    .insertInto('paper_aliases')
    .values({ alias, paper_seq: seq })
    .onConflict((oc) => oc.column('alias').doUpdateSet({ paper_seq: seq }))
    .execute();
}

export interface SignalRow {
  seq: number;
  source: string;
  observation: SignalObservation;
}

/** Latest stored value per (paper, source, metric), keyed `${seq}|${source}|${metric}`. */
export async function latestSignalValues(db: Executor, seqs: number[]): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  for (const part of chunks([...new Set(seqs)], IN_LIST_CHUNK)) {
    const rows = await db
      .selectFrom('paper_signals')
      .select(['paper_seq', 'source', 'metric', 'value', 'observed_at'])
      .where('paper_seq', 'in', part)
      .orderBy('observed_at')
      .orderBy('id')
      .execute();
    for (const row of rows) latest.set(`${row.paper_seq}|${row.source}|${row.metric}`, row.value);
  }
  return latest;
}

export async function insertSignals(db: Executor, rows: SignalRow[], observedAt: string): Promise<void> {
  for (const part of chunks(rows, INSERT_CHUNK)) {
    await db
      .insertInto('paper_signals')
      .values(
        part.map((r) => ({
          paper_seq: r.seq,
          source: r.source,
          metric: r.observation.metric,
          value: r.observation.value,
          observed_at: observedAt,
        })),
      )
      .execute();
  }
}

/** A paper by its public id, or by an id it had before (a generated id later replaced by its arXiv id). */
export async function findPaperById(db: Executor, id: string): Promise<StoredPaper | undefined> {
  const row =
    (await db.selectFrom('papers').selectAll().where('id', '=', id).executeTakeFirst()) ??
    (await db
      .selectFrom('paper_aliases')
      .innerJoin('papers', 'papers.seq', 'paper_aliases.paper_seq')
      .selectAll('papers')
      .where('paper_aliases.alias', '=', id)
      .executeTakeFirst());
  return row ? { seq: row.seq, paper: rowToPaper(row) } : undefined;
}

/** Papers by internal key, in no particular order. */
export async function findPapersBySeqs(db: Executor, seqs: readonly number[]): Promise<StoredPaper[]> {
  const out: StoredPaper[] = [];
  for (const part of chunks([...new Set(seqs)], IN_LIST_CHUNK)) {
    const rows = await db.selectFrom('papers').selectAll().where('seq', 'in', part).execute();
    for (const row of rows) out.push({ seq: row.seq, paper: rowToPaper(row) });
  }
  return out;
}

export async function countPapers(db: Executor): Promise<number> {
  const row = await db.selectFrom('papers').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Newest first; papers without a date come last, in the order we first saw them. */
export async function listNewestPapers(db: Executor, limit: number, offset: number): Promise<Paper[]> {
  const rows = await db
    .selectFrom('papers')
    .selectAll()
    .orderBy(sql`published_at IS NULL`)
    .orderBy('published_at', 'desc')
    .orderBy('seq', 'asc')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map(rowToPaper);
}

/** Every paper in insertion order, a page at a time, so exports stay in constant memory. */
export async function* iteratePapers(db: Executor, pageSize = 1000): AsyncGenerator<Paper> {
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('papers').selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
    if (rows.length === 0) return;
    for (const row of rows) yield rowToPaper(row);
    after = rows[rows.length - 1]!.seq;
  }
}
