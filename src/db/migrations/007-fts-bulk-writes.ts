import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Lets a bulk writer index a whole batch of new papers in FTS5 itself instead
 * of through the per-row insert trigger, which costs about twice as much: an
 * insert statement that fires a trigger opens a statement savepoint, and FTS5
 * flushes its pending terms to a new segment at every savepoint, so each row
 * became its own segment to merge later.
 *
 * The trigger still indexes every insert unless `papers_fts_deferred` holds a
 * row. A writer sets that row, inserts its papers and their FTS rows, and
 * clears it, all in one transaction, so no other connection ever sees it set
 * and a rollback clears it too. Other writers (tools, tests, the update and
 * delete triggers) are unaffected. PostgreSQL keeps its own triggers
 * (migration 001): nothing to do there.
 *
 * The table's name starts with `papers_fts` because it is part of SQLite's
 * full-text machinery, which other dialects do not share.
 *
 * FTS5 also writes its pending terms out as a new segment whenever they pass
 * `hashsize` (1 MB by default), that is every few hundred papers of a batch;
 * each segment is merged into bigger ones later. 16 MB holds a whole batch,
 * so a batch becomes one segment: less merging, for at most 16 MB of memory
 * while a transaction writes.
 */
export const ftsBulkWritesMigration: Migration = {
  version: 7,
  name: 'fts-bulk-writes',
  async up(db: Kysely<any>, dialect) {
    if (dialect !== 'sqlite') return;
    await sql`CREATE TABLE papers_fts_deferred (writer integer PRIMARY KEY)`.execute(db);
    await sql`DROP TRIGGER papers_fts_insert`.execute(db);
    await sql`CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers
      WHEN NOT EXISTS (SELECT 1 FROM papers_fts_deferred)
    BEGIN
      INSERT INTO papers_fts(rowid, title, abstract, authors, search_tags) VALUES (new.seq, new.title, new.abstract, new.authors, new.search_tags);
    END`.execute(db);
    await sql`INSERT INTO papers_fts(papers_fts, rank) VALUES ('hashsize', 16777216)`.execute(db);
  },
};
