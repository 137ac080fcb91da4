import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * State that several Paperboy instances behind one load balancer must agree
 * on, kept in the database they share rather than in each process:
 * - `rate_limit_counters`: fixed-window request counters for rate limits
 *   (security/rate-limit-counters.ts), so that two instances do not each
 *   grant the full allowance — above all on requests that send mail;
 * - `change_counters`: named generation numbers a writer bumps so that every
 *   instance drops what it cached from the old state (trending rankings after
 *   a vote: the voter sees their vote whichever instance answers next).
 * Times are epoch milliseconds (bigint on PostgreSQL): compared on every
 * request, they are cheaper as numbers than as ISO text.
 */
export const sharedStateMigration: Migration = {
  version: 9,
  name: 'shared-state',
  async up(db: Kysely<any>, dialect) {
    const millis = dialect === 'postgres' ? 'bigint' : 'integer';
    await db.schema
      .createTable('rate_limit_counters')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .addColumn('window_ends_at', millis, (c) => c.notNull())
      .execute();
    // Pruning expired windows reads them by end time.
    await db.schema.createIndex('rate_limit_counters_window').on('rate_limit_counters').column('window_ends_at').execute();
    await db.schema
      .createTable('change_counters')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('generation', 'integer', (c) => c.notNull())
      .execute();
  },
};
