import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Accounts for the website: users (by lower-cased email), server-side
 * sessions (only a hash of the cookie's token is stored, so a leaked
 * database cannot be replayed as cookies), the ids of magic-link tokens
 * already used (single use), and each user's saved papers.
 */
export const accountsMigration: Migration = {
  version: 3,
  name: 'accounts',
  async up(db: Kysely<any>, dialect) {
    const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
    // PostgreSQL's plain `integer` is 32-bit; a reference to a bigserial key must be bigint.
    const ref = dialect === 'postgres' ? 'bigint' : 'integer';
    await db.schema
      .createTable('users')
      .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
    await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();

    await db.schema
      .createTable('used_tokens')
      .addColumn('jti', 'text', (c) => c.primaryKey())
      .addColumn('used_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('used_tokens_used_at').on('used_tokens').column('used_at').execute();

    await db.schema
      .createTable('saved_papers')
      .addColumn('user_id', ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('paper_seq', ref, (c) => c.notNull().references('papers.seq').onDelete('cascade'))
      .addColumn('saved_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('saved_papers_pk', ['user_id', 'paper_seq'])
      .execute();
    await db.schema.createIndex('saved_papers_user_saved_at').on('saved_papers').columns(['user_id', 'saved_at']).execute();
  },
};
