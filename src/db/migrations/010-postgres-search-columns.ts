import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * PostgreSQL's search documents without weights, one column per field
 * searched on its own (SQLite's FTS5 index is untouched).
 *
 * Migration 001 gave each paper one weighted tsvector (title A, authors B,
 * abstract C, tags D) and every query asked for weights (`'word':ABC`). A GIN
 * index does not store weights, so every match of such a query was rechecked
 * against its document, read and decompressed from the table: at a hundred
 * thousand papers the common words of a query cost hundreds of milliseconds.
 * Our ranking is done outside the database (keyword-passes.ts), so weights
 * were never needed for ranking — only to tell the fields apart. Now:
 * - `document`: title, authors and abstract, unweighted (free text);
 * - `title`: the title alone (the title-only pass);
 * - `authors`: the authors alone (author: filters);
 * - `tags`: the filter tags (`simple` configuration: each stays one token);
 * each with its own GIN index. A query of plain words is answered from the
 * index alone; only phrases (`<->`, positions) are still rechecked, after the
 * index has narrowed them down to papers holding every word.
 */
export const postgresSearchColumnsMigration: Migration = {
  version: 10,
  name: 'postgres-search-columns',
  async up(db: Kysely<any>, dialect) {
    if (dialect !== 'postgres') return;
    await sql`ALTER TABLE paper_search ADD COLUMN title tsvector, ADD COLUMN authors tsvector, ADD COLUMN tags tsvector`.execute(db);
    await sql`CREATE OR REPLACE FUNCTION paper_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO paper_search (paper_seq, document, title, authors, tags)
        VALUES (
          NEW.seq,
          to_tsvector('english', coalesce(NEW.title, '') || ' ' || coalesce(NEW.authors, '') || ' ' || coalesce(NEW.abstract, '')),
          to_tsvector('english', coalesce(NEW.title, '')),
          to_tsvector('english', coalesce(NEW.authors, '')),
          to_tsvector('simple', coalesce(NEW.search_tags, ''))
        )
        ON CONFLICT (paper_seq) DO UPDATE
          SET document = excluded.document, title = excluded.title, authors = excluded.authors, tags = excluded.tags;
        RETURN NULL;
      END
    $$`.execute(db);
    // The rows already there, with the trigger's expressions.
    await sql`UPDATE paper_search s SET
        document = to_tsvector('english', coalesce(p.title, '') || ' ' || coalesce(p.authors, '') || ' ' || coalesce(p.abstract, '')),
        title = to_tsvector('english', coalesce(p.title, '')),
        authors = to_tsvector('english', coalesce(p.authors, '')),
        tags = to_tsvector('simple', coalesce(p.search_tags, ''))
      FROM papers p WHERE p.seq = s.paper_seq`.execute(db);
    await sql`ALTER TABLE paper_search ALTER COLUMN title SET NOT NULL, ALTER COLUMN authors SET NOT NULL, ALTER COLUMN tags SET NOT NULL`.execute(db);
    await sql`DROP FUNCTION paper_search_document(text, text, text, text)`.execute(db);
    await sql`CREATE INDEX paper_search_title ON paper_search USING gin (title)`.execute(db);
    await sql`CREATE INDEX paper_search_authors ON paper_search USING gin (authors)`.execute(db);
    await sql`CREATE INDEX paper_search_tags ON paper_search USING gin (tags)`.execute(db);
  },
};
