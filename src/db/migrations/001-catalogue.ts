import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/** The paper catalogue, its aliases, popularity signals and ingest bookkeeping. */
export const catalogueMigration: Migration = {
  version: 1,
  name: 'catalogue',
  async up(db: Kysely<any>, dialect) {
    const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
    // PostgreSQL's plain `integer` is 32-bit; a reference to a bigserial key must be bigint.
    const ref = dialect === 'postgres' ? 'bigint' : 'integer';
    await db.schema
      .createTable('papers')
      .addColumn('seq', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('arxiv_id', 'text', (c) => c.unique())
      .addColumn('doi', 'text')
      .addColumn('title_key', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('abstract', 'text')
      .addColumn('authors', 'text', (c) => c.notNull())
      .addColumn('categories', 'text', (c) => c.notNull())
      .addColumn('primary_category', 'text')
      .addColumn('published_at', 'text')
      .addColumn('updated_at', 'text')
      .addColumn('version', 'integer')
      .addColumn('journal_ref', 'text')
      .addColumn('comments', 'text')
      .addColumn('abs_url', 'text')
      .addColumn('pdf_url', 'text')
      .addColumn('code_urls', 'text', (c) => c.notNull())
      .addColumn('has_code', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('sources', 'text', (c) => c.notNull())
      .addColumn('search_tags', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('papers_doi').on('papers').column('doi').execute();
    await db.schema.createIndex('papers_title_key').on('papers').column('title_key').execute();
    await db.schema.createIndex('papers_published_at').on('papers').column('published_at').execute();

    await db.schema
      .createTable('paper_aliases')
      .addColumn('alias', 'text', (c) => c.primaryKey())
      .addColumn('paper_seq', ref, (c) => c.notNull().references('papers.seq').onDelete('cascade'))
      .execute();

    await db.schema
      .createTable('paper_signals')
      .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('paper_seq', ref, (c) => c.notNull().references('papers.seq').onDelete('cascade'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('metric', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('observed_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('paper_signals_lookup')
      .on('paper_signals')
      .columns(['paper_seq', 'source', 'metric', 'observed_at'])
      .execute();

    await db.schema
      .createTable('harvest_state')
      .addColumn('source_key', 'text', (c) => c.primaryKey())
      .addColumn('checkpoint', 'text')
      .addColumn('harvested_until', 'text')
      .addColumn('last_attempt_at', 'text')
      .addColumn('last_success_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable('ingest_runs')
      .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('format', 'text')
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('new_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('unchanged_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('rejected_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .execute();

    if (dialect === 'sqlite') await createSqliteFullText(db);
    else await createPostgresFullText(db);
  },
};

/**
 * FTS5 index over title, abstract and authors, kept in step with `papers` by
 * triggers so every writer (ingest, migrations, tools) updates it. The `tags`
 * column holds filter tokens (category, year, has-code; see catalogue/search-tags.ts) so
 * that filters are answered by the index itself instead of a post-filter that
 * would make FTS5 score every match.
 */
async function createSqliteFullText(db: Kysely<any>): Promise<void> {
  await sql`CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, abstract, authors, search_tags,
    content='papers', content_rowid='seq',
    tokenize='porter unicode61 remove_diacritics 2'
  )`.execute(db);
  await sql`CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
    INSERT INTO papers_fts(rowid, title, abstract, authors, search_tags) VALUES (new.seq, new.title, new.abstract, new.authors, new.search_tags);
  END`.execute(db);
  await sql`CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
    INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors, search_tags) VALUES ('delete', old.seq, old.title, old.abstract, old.authors, old.search_tags);
  END`.execute(db);
  // Only a change to an indexed column rewrites the index entry.
  await sql`CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors, search_tags ON papers BEGIN
    INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors, search_tags) VALUES ('delete', old.seq, old.title, old.abstract, old.authors, old.search_tags);
    INSERT INTO papers_fts(rowid, title, abstract, authors, search_tags) VALUES (new.seq, new.title, new.abstract, new.authors, new.search_tags);
  END`.execute(db);
}

/**
 * PostgreSQL's counterpart of the FTS5 index: a weighted `tsvector` per paper
 * (title A, authors B, abstract C, filter tags D — ranking gives D no weight)
 * with a GIN index. It lives in a side table, as FTS5's does, so that the many
 * `selectAll()` reads of `papers` do not carry it. Triggers keep it in step
 * with every writer; an update rebuilds it only when an indexed field changed.
 * Text uses the `english` configuration (stemming, like FTS5's porter); the
 * tags use `simple`, so each stays one whole token.
 */
async function createPostgresFullText(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('paper_search')
    .addColumn('paper_seq', 'bigint', (c) => c.primaryKey().references('papers.seq').onDelete('cascade'))
    .addColumn('document', sql`tsvector`, (c) => c.notNull())
    .execute();
  await sql`CREATE INDEX paper_search_document ON paper_search USING gin (document)`.execute(db);
  await sql`CREATE FUNCTION paper_search_document(title text, authors text, abstract text, tags text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
      SELECT setweight(to_tsvector('english', coalesce(title, '')), 'A')
          || setweight(to_tsvector('english', coalesce(authors, '')), 'B')
          || setweight(to_tsvector('english', coalesce(abstract, '')), 'C')
          || setweight(to_tsvector('simple', coalesce(tags, '')), 'D')
    $$`.execute(db);
  await sql`CREATE FUNCTION paper_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO paper_search (paper_seq, document)
      VALUES (NEW.seq, paper_search_document(NEW.title, NEW.authors, NEW.abstract, NEW.search_tags))
      ON CONFLICT (paper_seq) DO UPDATE SET document = excluded.document;
      RETURN NULL;
    END
  $$`.execute(db);
  await sql`CREATE TRIGGER papers_search_insert AFTER INSERT ON papers
    FOR EACH ROW EXECUTE FUNCTION paper_search_sync()`.execute(db);
  await sql`CREATE TRIGGER papers_search_update AFTER UPDATE OF title, abstract, authors, search_tags ON papers
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.abstract IS DISTINCT FROM NEW.abstract
      OR OLD.authors IS DISTINCT FROM NEW.authors OR OLD.search_tags IS DISTINCT FROM NEW.search_tags)
    EXECUTE FUNCTION paper_search_sync()`.execute(db);
}
