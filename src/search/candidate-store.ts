/**
 * The few fields of candidate papers that ranking needs (titles for the title
 * tier, dates, and what the query's filters check on semantic neighbours).
 * Hybrid search looks at a couple of hundred candidates per query and shows
 * twenty: reading and decoding every column of each (findPapersBySeqs) cost
 * more than the rest of the ranking at a million papers, so candidates are
 * read this narrow way and only the shown page is loaded in full.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Paper } from '../catalogue/paper.js';
import type { DatabaseHandle } from '../db/connection.js';
import { preparedPerConnection } from '../db/prepared-per-connection.js';

export type CandidatePaper = Pick<Paper, 'title' | 'abstract' | 'authors' | 'categories' | 'publishedAt' | 'codeUrls'>;

/** Bound parameters per statement (PostgreSQL). */
const IN_LIST_CHUNK = 500;

interface CandidateRow {
  seq: number;
  title: string;
  abstract: string | null;
  authors: string;
  categories: string;
  published_at: string | null;
  code_urls: string;
}

const COLUMNS = ['seq', 'title', 'abstract', 'authors', 'categories', 'published_at', 'code_urls'] as const;

/**
 * On SQLite one prepared statement takes any number of seqs as a JSON array
 * (building and preparing an IN list per call cost as much as reading the rows).
 */
const candidateStatement = preparedPerConnection((sqlite) => sqlite.prepare(`SELECT ${COLUMNS.join(', ')} FROM papers WHERE seq IN (SELECT value FROM json_each(?))`));

function sqliteRows(sqlite: BetterSqlite3.Database, seqs: number[]): CandidateRow[] {
  return candidateStatement(sqlite).all(JSON.stringify(seqs)) as CandidateRow[];
}

async function rows(database: Pick<DatabaseHandle, 'db' | 'sqlite'>, seqs: number[]): Promise<CandidateRow[]> {
  if (database.sqlite) return sqliteRows(database.sqlite, seqs);
  const out: CandidateRow[] = [];
  for (let i = 0; i < seqs.length; i += IN_LIST_CHUNK) {
    out.push(...(await database.db.selectFrom('papers').select([...COLUMNS]).where('seq', 'in', seqs.slice(i, i + IN_LIST_CHUNK)).execute()));
  }
  return out;
}

/** Adds to `into` the candidates of `seqs` it does not hold yet. */
export async function loadCandidatePapers(database: Pick<DatabaseHandle, 'db' | 'sqlite'>, seqs: readonly number[], into: Map<number, CandidatePaper>): Promise<void> {
  const missing = [...new Set(seqs)].filter((seq) => !into.has(seq));
  if (missing.length === 0) return;
  for (const row of await rows(database, missing)) {
    into.set(Number(row.seq), {
      title: row.title,
      abstract: row.abstract,
      authors: JSON.parse(row.authors) as string[],
      categories: JSON.parse(row.categories) as string[],
      publishedAt: row.published_at,
      codeUrls: JSON.parse(row.code_urls) as string[],
    });
  }
}
