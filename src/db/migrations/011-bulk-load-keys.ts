import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * A bulk load into an empty SQLite catalogue answers its DOI and title-key
 * lookups from a table of its own papers' keys while the indexes on them are
 * dropped (catalogue/sqlite-lookup-indexes.ts). That table is only complete
 * while nobody else changes those columns in the load's pending range:
 * migration 008 flags other writers' inserts, deletes and changes to indexed
 * text, and this trigger also flags their changes to `doi` and `title_key`
 * (the load then creates the indexes again and looks up through them).
 */
export const bulkLoadKeysMigration: Migration = {
  version: 11,
  name: 'bulk-load-keys',
  async up(db: Kysely<any>, dialect) {
    if (dialect !== 'sqlite') return;
    await sql.raw(`CREATE TRIGGER papers_fts_pending_keys AFTER UPDATE OF doi, title_key ON papers
      WHEN EXISTS (SELECT 1 FROM papers_fts_pending p WHERE old.seq >= p.from_seq
        AND NOT EXISTS (SELECT 1 FROM papers_fts_deferred d WHERE d.writer = p.owner))
    BEGIN UPDATE papers_fts_pending SET external_writes = 1; END`).execute(db);
  },
};
