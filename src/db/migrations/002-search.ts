import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/** Search side tables: spelling vocabulary, trained semantic models and paper vectors. */
export const searchMigration: Migration = {
  version: 2,
  name: 'search',
  async up(db: Kysely<any>, dialect) {
    const blob = dialect === 'postgres' ? 'bytea' : 'blob';
    const ref = dialect === 'postgres' ? 'bigint' : 'integer';
    await db.schema
      .createTable('search_vocabulary')
      .addColumn('word', 'text', (c) => c.primaryKey())
      .addColumn('doc_count', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('search_models')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('paper_count', 'integer', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('data', blob, (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('paper_vectors')
      .addColumn('paper_seq', ref, (c) => c.primaryKey().references('papers.seq').onDelete('cascade'))
      .addColumn('model_id', 'text', (c) => c.notNull())
      .addColumn('vector', blob, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('paper_vectors_model').on('paper_vectors').column('model_id').execute();
    if (dialect === 'sqlite') {
      // BM25 with the title weighted up and the filter tags ignored; `ORDER BY rank` uses it.
      await sql`INSERT INTO papers_fts(papers_fts, rank) VALUES ('rank', 'bm25(5.0, 1.0, 2.0, 0.0)')`.execute(db);
    }
  },
};
