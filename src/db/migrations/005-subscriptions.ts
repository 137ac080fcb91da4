import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Digest subscribers and what each one wants to read about. (Consumed
 * single-use confirmation links go to `used_tokens`, from 003-accounts.) Addresses are stored lower-cased so the
 * unique index is the "one row per address" rule; an address that
 * unsubscribes keeps its row (status `unsubscribed`) so that re-subscribing
 * goes through a new double opt-in and throttling still applies.
 */
export const subscriptionsMigration: Migration = {
  version: 5,
  name: 'subscriptions',
  async up(db: Kysely<any>, dialect) {
    const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
    // PostgreSQL's plain `integer` is 32-bit; a reference to a bigserial key must be bigint.
    const ref = dialect === 'postgres' ? 'bigint' : 'integer';
    await db.schema
      .createTable('subscribers')
      .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('frequency', 'text', (c) => c.notNull().defaultTo('daily'))
      .addColumn('send_hour', 'integer', (c) => c.notNull().defaultTo(8))
      .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
      .addColumn('weekends', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('papers_per_mail', 'integer', (c) => c.notNull().defaultTo(10))
      .addColumn('source', 'text', (c) => c.notNull().defaultTo('form'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('confirmed_at', 'text')
      .addColumn('unsubscribed_at', 'text')
      .addColumn('last_confirmation_sent_at', 'text')
      .addColumn('suspended_at', 'text')
      .addColumn('suspended_reason', 'text')
      .addColumn('consecutive_hard_bounces', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    // The audience query walks confirmed subscribers one time zone at a time.
    await db.schema.createIndex('subscribers_audience').on('subscribers').columns(['status', 'timezone', 'send_hour']).execute();

    await db.schema
      .createTable('subscriber_topics')
      .addColumn('id', serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('subscriber_id', ref, (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addUniqueConstraint('subscriber_topics_unique', ['subscriber_id', 'kind', 'value'])
      .execute();
  },
};
