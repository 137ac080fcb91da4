/**
 * The SQLite full-text index's pending range (migration 008): papers written
 * by a bulk load before they are indexed. This module reads and sets the
 * marker and indexes the range ("catch-up"), which is both how a bulk load
 * ends when it has no index built on the side and how a load that died
 * half-way is repaired.
 */
import { rmSync } from 'node:fs';
import type SQLite from 'better-sqlite3';
import type { DatabaseHandle } from '../db/connection.js';
import { ensureLookupIndexes } from './sqlite-lookup-indexes.js';

export interface PendingRange {
  fromSeq: number;
  owner: number;
  externalWrites: boolean;
}

/** The four indexed columns of a paper, in papers_fts's order. */
export type FullTextValues = [title: string, abstract: string | null, authors: string, searchTags: string];

// Rows indexed per catch-up transaction: large enough that FTS5 writes few,
// big segments; small enough that a repair makes durable progress and
// searches see papers appear while it runs.
const CATCH_UP_ROWS = 100_000;

export function pendingRange(sqlite: SQLite.Database): PendingRange | undefined {
  const row = sqlite.prepare('SELECT from_seq, owner, external_writes FROM papers_fts_pending').get() as
    | { from_seq: number; owner: number; external_writes: number }
    | undefined;
  return row && { fromSeq: row.from_seq, owner: row.owner, externalWrites: row.external_writes !== 0 };
}

/**
 * Inside the caller's write transaction: sets the marker (from the next seq
 * on, owned by `owner`) unless one exists, marks the transaction as the
 * owner's, and returns the marker in force.
 */
export function markPending(sqlite: SQLite.Database, owner: number): PendingRange {
  sqlite
    .prepare('INSERT OR IGNORE INTO papers_fts_pending (id, from_seq, owner) SELECT 1, coalesce(max(seq), 0) + 1, ? FROM papers')
    .run(owner);
  sqlite.prepare('INSERT OR IGNORE INTO papers_fts_deferred (writer) VALUES (?)').run(owner);
  return pendingRange(sqlite)!;
}

/** Ends the owner's mark on the current transaction (before it commits). */
export function unmarkTransaction(sqlite: SQLite.Database, owner: number): void {
  sqlite.prepare('DELETE FROM papers_fts_deferred WHERE writer = ?').run(owner);
}

/**
 * Indexes every pending paper from the table, a chunk per transaction, and
 * clears the marker in the transaction that indexes the last one (so a paper
 * committed meanwhile by anyone is indexed too). Returns the rows indexed.
 */
export function catchUpFullText(sqlite: SQLite.Database, chunkRows = CATCH_UP_ROWS): number {
  const index = sqlite.prepare(`INSERT INTO papers_fts (rowid, title, abstract, authors, search_tags)
    SELECT seq, title, abstract, authors, search_tags FROM papers WHERE seq >= ? AND seq < ? ORDER BY seq`);
  const maxSeq = sqlite.prepare('SELECT coalesce(max(seq), 0) AS n FROM papers').pluck();
  let indexed = 0;
  const step = sqlite.transaction(() => {
    const range = pendingRange(sqlite);
    if (!range) return false;
    const until = range.fromSeq + chunkRows;
    indexed += index.run(range.fromSeq, until).changes;
    if (until > (maxSeq.get() as number)) sqlite.prepare('DELETE FROM papers_fts_pending').run();
    else sqlite.prepare('UPDATE papers_fts_pending SET from_seq = ?').run(until);
    return true;
  });
  while (step.immediate()) {
    /* one chunk per transaction */
  }
  return indexed;
}

/** Where a bulk load builds its index on the side (fts-build-worker.ts). */
export function scratchPathFor(sqlite: SQLite.Database, owner: number): string {
  return `${sqlite.name}.fts-build-${owner}`;
}

/** Repairs what a bulk load that died left behind: papers pending indexing, missing lookup indexes. A no-op on PostgreSQL. */
export function repairFullTextIndex(handle: DatabaseHandle): number {
  if (handle.dialect !== 'sqlite' || !handle.sqlite) return 0;
  // A bulk load drops these while it runs (sqlite-lookup-indexes.ts).
  ensureLookupIndexes(handle.sqlite);
  const range = pendingRange(handle.sqlite);
  if (!range) return 0;
  const indexed = catchUpFullText(handle.sqlite);
  // The dead load's half-built side index. (Were the load alive after all, its
  // range is gone now: it indexes from the table instead.)
  rmSync(scratchPathFor(handle.sqlite, range.owner), { force: true });
  return indexed;
}
