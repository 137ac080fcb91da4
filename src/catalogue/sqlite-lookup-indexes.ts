/**
 * The catalogue's DOI and title-key indexes (migration 001), which a bulk load
 * into an empty SQLite catalogue drops while it writes and creates again at
 * the end: maintaining them costs a random B-tree page per paper and index,
 * rewritten at every batch's commit, while building them once from the table
 * is a sort. The load answers its own lookups meanwhile (fts-build.ts).
 *
 * A load that dies leaves them missing: `ensureLookupIndexes` runs on every
 * start and ingest, with the full-text repair.
 */
import type SQLite from 'better-sqlite3';

const LOOKUP_INDEXES = [
  ['papers_doi', 'doi'],
  ['papers_title_key', 'title_key'],
] as const;

export function dropLookupIndexes(sqlite: SQLite.Database): void {
  for (const [name] of LOOKUP_INDEXES) sqlite.exec(`DROP INDEX IF EXISTS ${name}`);
}

/** Creates whichever of the indexes is missing (a no-op when both exist). */
export function ensureLookupIndexes(sqlite: SQLite.Database): void {
  for (const [name, column] of LOOKUP_INDEXES) sqlite.exec(`CREATE INDEX IF NOT EXISTS ${name} ON papers (${column})`);
}

/** Whether other writers' changes to DOIs and title keys in a pending range are flagged (migration 011). */
export function keyChangesFlagged(sqlite: SQLite.Database): boolean {
  return sqlite.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND name = 'papers_fts_pending_keys'").get() !== undefined;
}
