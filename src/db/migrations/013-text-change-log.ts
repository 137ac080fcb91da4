import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * A log of papers whose searchable text changed or that were deleted (SQLite only), for search
 * structures derived from FTS5 that are not updated by triggers: the term
 * bitsets kept in memory by each search process (search/keyword/
 * sqlite-term-bitmaps.ts). A process reads the entries past the last one it
 * saw and treats those papers as possible matches of every query until it
 * rebuilds its bitsets; entries are pruned a day after they were written.
 */
export const textChangeLogMigration: Migration = {
  version: 13,
  name: 'text-change-log',
  async up(db: Kysely<any>, dialect) {
    if (dialect !== 'sqlite') return;
    await sql`CREATE TABLE papers_fts_text_changes (
      id integer PRIMARY KEY AUTOINCREMENT,
      seq integer NOT NULL,
      changed_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )`.execute(db);
    await sql.raw(`CREATE TRIGGER papers_fts_text_changed AFTER UPDATE OF title, abstract, authors, search_tags ON papers
      WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract OR old.authors IS NOT new.authors OR old.search_tags IS NOT new.search_tags
    BEGIN
      INSERT INTO papers_fts_text_changes (seq) VALUES (new.seq);
    END`).execute(db);
    await sql.raw(`CREATE TRIGGER papers_fts_text_deleted AFTER DELETE ON papers BEGIN
      INSERT INTO papers_fts_text_changes (seq) VALUES (old.seq);
    END`).execute(db);
  },
};
