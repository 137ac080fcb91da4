import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Digest delivery: one row per edition, one row per (edition, subscriber)
 * message — the unique key that makes delivery exactly-once — with its
 * rendered body in a side table until it is sent, the papers each
 * subscriber was sent (so later editions can leave them out), and leases for
 * "only one of us does this" (the digest scheduler, live delivery workers).
 * Subscriber ids are not foreign keys: subscriptions live in their own
 * migration and a deleted subscriber's delivery history stays auditable.
 */
export const digestMigration: Migration = {
  version: 6,
  name: 'digest',
  async up(db: Kysely<any>, dialect) {
    const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
    // PostgreSQL's plain `integer` is 32-bit; ids of bigserial rows must be bigint there.
    const ref = dialect === 'postgres' ? 'bigint' : 'integer';
    const id = (c: ColumnDefinitionBuilder) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
    await db.schema
      .createTable('digest_editions')
      .addColumn('id', serial, id)
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('frequency', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('composed_at', 'text')
      .addColumn('completed_at', 'text')
      .addUniqueConstraint('digest_editions_key', ['date', 'frequency'])
      .execute();

    await db.schema
      .createTable('digest_messages')
      .addColumn('id', serial, id)
      .addColumn('edition_id', ref, (c) => c.notNull().references('digest_editions.id'))
      .addColumn('subscriber_id', ref, (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text')
      // Past this moment the message is no longer tried (a digest that late is no news).
      .addColumn('deadline_at', 'text', (c) => c.notNull())
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('smtp_code', 'integer')
      .addColumn('smtp_response', 'text')
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('paper_ids', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .addUniqueConstraint('digest_messages_once', ['edition_id', 'subscriber_id'])
      .execute();
    // Claims: "pending messages of this edition that are due".
    await db.schema.createIndex('digest_messages_queue').on('digest_messages').columns(['edition_id', 'status', 'next_attempt_at']).execute();
    // Crash recovery sweeps: "messages left in 'sending'".
    await db.schema.createIndex('digest_messages_status').on('digest_messages').columns(['status', 'claimed_at']).execute();
    // Consecutive hard bounces of one subscriber, newest first.
    await db.schema.createIndex('digest_messages_subscriber').on('digest_messages').columns(['subscriber_id', 'id']).execute();

    // The rendered mail, apart from its message row: claims and status changes then rewrite
    // a row of a few hundred bytes instead of tens of kilobytes (several times faster in
    // SQLite, which rewrites whole records). Deleted once the message is sent.
    await db.schema
      .createTable('digest_message_bodies')
      .addColumn('message_id', ref, (c) => c.primaryKey().references('digest_messages.id'))
      .addColumn('html', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('headers', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('digest_sent_papers')
      .addColumn('subscriber_id', ref, (c) => c.notNull())
      .addColumn('paper_id', 'text', (c) => c.notNull())
      .addColumn('edition_id', ref, (c) => c.notNull().references('digest_editions.id'))
      .addPrimaryKeyConstraint('digest_sent_papers_pk', ['subscriber_id', 'paper_id'])
      .execute();

    await db.schema
      .createTable('scheduler_locks')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
  },
};
