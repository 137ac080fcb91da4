import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * A small full-text index of titles (and filter tags) beside `papers_fts`,
 * for the keyword passes' "every word in the title" window (SQLite only;
 * PostgreSQL has a `title` tsvector column, migration 010). In `papers_fts`
 * that window reads the posting lists of every column and keeps the title
 * hits: at a million papers, tens of milliseconds for common words. Titles
 * alone have posting lists an order of magnitude shorter.
 *
 * It is derived data, like the spelling vocabulary: search indexes papers
 * stored since its watermark (`papers_fts_title_state.through_seq`, see
 * search/keyword/sqlite-title-index.ts), so ingest does not pay for it. The
 * triggers keep papers below the watermark in step when their title or tags
 * change or they are deleted; papers above it are indexed as they are when
 * search catches up. Contentless with `contentless_delete`, so an entry is
 * removed by rowid without its old text.
 */
export const titleIndexMigration: Migration = {
  version: 12,
  name: 'title-index',
  async up(db: Kysely<any>, dialect) {
    if (dialect !== 'sqlite') return;
    await sql`CREATE VIRTUAL TABLE papers_fts_title USING fts5(
      title, search_tags,
      content='', contentless_delete=1,
      tokenize='porter unicode61 remove_diacritics 2'
    )`.execute(db);
    await sql`CREATE TABLE papers_fts_title_state (
      id integer PRIMARY KEY CHECK (id = 1),
      through_seq integer NOT NULL
    )`.execute(db);
    await sql`INSERT INTO papers_fts_title_state (id, through_seq) VALUES (1, 0)`.execute(db);
    const indexed = `old.seq <= (SELECT through_seq FROM papers_fts_title_state)`;
    await sql.raw(`CREATE TRIGGER papers_fts_title_update AFTER UPDATE OF title, search_tags ON papers
      WHEN ${indexed} AND (old.title IS NOT new.title OR old.search_tags IS NOT new.search_tags)
    BEGIN
      DELETE FROM papers_fts_title WHERE rowid = old.seq;
      INSERT INTO papers_fts_title (rowid, title, search_tags) VALUES (new.seq, new.title, new.search_tags);
    END`).execute(db);
    await sql.raw(`CREATE TRIGGER papers_fts_title_delete AFTER DELETE ON papers WHEN ${indexed} BEGIN
      DELETE FROM papers_fts_title WHERE rowid = old.seq;
    END`).execute(db);
  },
};
