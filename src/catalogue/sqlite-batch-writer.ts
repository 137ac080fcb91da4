/**
 * SQLite's implementation of the catalogue's batch writes, on the raw
 * better-sqlite3 connection: statements are prepared once per connection
 * (Kysely would compile and prepare a multi-row insert for every batch), and
 * new papers are indexed in FTS5 by this module, once per batch, instead of
 * by the per-row insert trigger (see migration 007 for why that is faster and
 * how the trigger stays in force for every other writer).
 *
 * In a bulk load (fts-build.ts) it writes papers unindexed, in the pending
 * range, and reports their index entries to the load instead. Outside one,
 * while some load's range is pending, its new papers fall in that range and
 * are left to it too. While a bulk load into an empty catalogue has the DOI
 * and title-key indexes dropped, lookups by those keys go through the load's
 * key table, which this writer fills with every paper it writes.
 *
 * It runs on the same connection as the caller's Kysely transaction, so its
 * writes commit or roll back with the rest of the batch.
 */
import type SQLite from 'better-sqlite3';
import type { Insertable } from 'kysely';
import type { PapersTable } from '../db/schema.js';
import { preparedPerConnection } from '../db/prepared-per-connection.js';
import type { FullTextBulkLoad } from './fts-build.js';
import type { KeyHashTable } from './key-hash-table.js';
import type { BatchWriter, MatchKeys, StoredPaper } from './paper-store.js';
import type { FullTextValues } from './sqlite-fts-pending.js';
import { paperToRow, rowToPaper, type PaperRow } from './paper-row.js';
import type { Paper } from './paper.js';

type PaperColumn = keyof Insertable<PapersTable>;

const PAPER_COLUMNS = [
  'id', 'arxiv_id', 'doi', 'title_key', 'title', 'abstract', 'authors', 'categories', 'primary_category',
  'published_at', 'updated_at', 'version', 'journal_ref', 'comments', 'abs_url', 'pdf_url', 'code_urls',
  'has_code', 'sources', 'search_tags', 'first_seen_at', 'last_seen_at',
] as const satisfies readonly PaperColumn[];
// Fails to compile when a column is added to the table but not to the list above.
const allColumnsListed: Exclude<PaperColumn, (typeof PAPER_COLUMNS)[number] | 'seq'> extends never ? true : never = true;
void allColumnsListed;

const FTS_COLUMNS = ['title', 'abstract', 'authors', 'search_tags'] as const satisfies readonly PaperColumn[];

interface Statements {
  insertPaper: SQLite.Statement;
  updatePaper: SQLite.Statement;
  anyPending: SQLite.Statement;
  insertFullText: SQLite.Statement;
  deferFullText: SQLite.Statement;
  resumeFullText: SQLite.Statement;
  byArxivId: SQLite.Statement;
  byDoi: SQLite.Statement;
  byTitleKey: SQLite.Statement;
  bySeq: SQLite.Statement;
}

function prepare(sqlite: SQLite.Database): Statements {
  // One JSON array parameter instead of an IN list: one statement whatever the batch size.
  const byColumn = (column: string) => sqlite.prepare(`SELECT * FROM papers WHERE ${column} IN (SELECT value FROM json_each(?))`);
  return {
    // Positional parameters: binding by name costs a property lookup per column.
    insertPaper: sqlite.prepare(`INSERT INTO papers (${PAPER_COLUMNS.join(', ')}) VALUES (${PAPER_COLUMNS.map(() => '?').join(', ')})`),
    updatePaper: sqlite.prepare(`UPDATE papers SET ${PAPER_COLUMNS.map((c) => `${c} = @${c}`).join(', ')} WHERE seq = @seq`),
    anyPending: sqlite.prepare('SELECT 1 FROM papers_fts_pending'),
    insertFullText: sqlite.prepare(`INSERT INTO papers_fts (rowid, ${FTS_COLUMNS.join(', ')}) VALUES (?, ${FTS_COLUMNS.map(() => '?').join(', ')})`),
    deferFullText: sqlite.prepare('INSERT INTO papers_fts_deferred (writer) VALUES (1)'),
    resumeFullText: sqlite.prepare('DELETE FROM papers_fts_deferred'),
    byArxivId: byColumn('arxiv_id'),
    byDoi: byColumn('doi'),
    byTitleKey: byColumn('title_key'),
    bySeq: byColumn('seq'),
  };
}

const statementsFor = preparedPerConnection(prepare);

type Row = ReturnType<typeof paperToRow>;

// A bulk load's key table holds both kinds of key: a prefix tells them apart.
const DOI_KEY = 'd:';
const TITLE_KEY = 't:';
const fullTextValues = (row: Row): FullTextValues => [row.title, row.abstract ?? null, row.authors, row.search_tags ?? ''];

export class SqliteBatchWriter implements BatchWriter {
  private readonly statements: Statements;

  constructor(
    private readonly sqlite: SQLite.Database,
    private readonly bulk?: FullTextBulkLoad,
  ) {
    this.statements = statementsFor(sqlite);
  }

  async findByKeys(keys: MatchKeys): Promise<StoredPaper[]> {
    const found = new Map<number, StoredPaper>();
    const add = (rows: PaperRow[]) => {
      for (const row of rows) if (!found.has(row.seq)) found.set(row.seq, { seq: row.seq, paper: rowToPaper(row) });
    };
    const ownKeys = this.bulk?.ownKeys();
    const lookups: Array<[SQLite.Statement, string[]]> = [[this.statements.byArxivId, keys.arxivIds]];
    if (ownKeys) add(this.findByOwnKeys(ownKeys, keys));
    else lookups.push([this.statements.byDoi, keys.dois], [this.statements.byTitleKey, keys.titleKeys]);
    for (const [statement, values] of lookups) {
      if (values.length > 0) add(statement.all(JSON.stringify(values)) as PaperRow[]);
    }
    return [...found.values()].sort((a, b) => a.seq - b.seq);
  }

  /** The rows with one of the DOIs or title keys, found through a bulk load's table instead of the (dropped) indexes. */
  private findByOwnKeys(table: KeyHashTable, keys: MatchKeys): PaperRow[] {
    const seqs = new Set<number>();
    for (const doi of keys.dois) table.candidates(DOI_KEY + doi, seqs);
    for (const key of keys.titleKeys) table.candidates(TITLE_KEY + key, seqs);
    if (seqs.size === 0) return [];
    const dois = new Set(keys.dois);
    const titleKeys = new Set(keys.titleKeys);
    // Hashes collide: only the rows that really carry one of the keys.
    return (this.statements.bySeq.all(JSON.stringify([...seqs])) as PaperRow[]).filter(
      (row) => (row.doi !== null && dois.has(row.doi)) || titleKeys.has(row.title_key),
    );
  }

  /** Keeps a bulk load's key table complete: every stored paper's DOI and title key. */
  private recordKeys(seq: number, row: Row): void {
    const table = this.bulk?.keyTable;
    if (!table) return;
    if (row.doi) table.add(DOI_KEY + row.doi, seq);
    table.add(TITLE_KEY + row.title_key, seq);
  }

  async insertPapers(papers: Paper[]): Promise<Map<string, number>> {
    const seqById = new Map<string, number>();
    if (papers.length === 0) return seqById;
    if (!this.sqlite.inTransaction) throw new Error('SqliteBatchWriter writes only inside the caller’s transaction');
    const rows = papers.map(paperToRow);
    const seqs = this.bulk ? this.insertForBulkLoad(this.bulk, rows) : this.statements.anyPending.get() ? this.insertRows(rows) : this.insertIndexed(rows);
    rows.forEach((row, i) => seqById.set(row.id, seqs[i]!));
    return seqById;
  }

  async updatePaper(seq: number, before: Paper, after: Paper): Promise<void> {
    const row = paperToRow(after);
    await this.bulk?.beforeUpdate(seq);
    this.bulk?.beginWrite();
    // The update trigger keeps the index in step below the pending range.
    this.statements.updatePaper.run({ ...row, seq });
    this.recordKeys(seq, row);
    if (!this.bulk) return;
    const [old, now] = [fullTextValues(paperToRow(before)), fullTextValues(row)];
    if (old.some((value, i) => value !== now[i])) this.bulk.replaced(seq, old, now);
  }

  async endBatch(): Promise<void> {
    this.bulk?.endWrite();
  }

  private insertRows(rows: Row[]): number[] {
    const { insertPaper } = this.statements;
    return rows.map((row) => Number(insertPaper.run(PAPER_COLUMNS.map((column) => row[column])).lastInsertRowid));
  }

  private insertIndexed(rows: Row[]): number[] {
    const { insertFullText, deferFullText, resumeFullText } = this.statements;
    deferFullText.run();
    // Every paper first, then every index entry: FTS5 flushes its pending
    // terms at each savepoint, and the insert trigger makes each paper insert one.
    const seqs = this.insertRows(rows);
    rows.forEach((row, i) => insertFullText.run(seqs[i], row.title, row.abstract, row.authors, row.search_tags));
    resumeFullText.run();
    return seqs;
  }

  private insertForBulkLoad(bulk: FullTextBulkLoad, rows: Row[]): number[] {
    bulk.beginWrite();
    const seqs = this.insertRows(rows);
    bulk.added(seqs);
    rows.forEach((row, i) => this.recordKeys(seqs[i]!, row));
    return seqs;
  }
}
