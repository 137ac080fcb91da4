/**
 * Forward-only migrations, each applied in its own transaction and recorded
 * in `schema_migrations`. A database migrated by a newer Paperboy is refused
 * rather than silently misread.
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseHandle, DialectName } from './connection.js';
import { catalogueMigration } from './migrations/001-catalogue.js';
import { searchMigration } from './migrations/002-search.js';
import { accountsMigration } from './migrations/003-accounts.js';
import { trendingMigration } from './migrations/004-trending.js';
import { subscriptionsMigration } from './migrations/005-subscriptions.js';
import { digestMigration } from './migrations/006-digest.js';
import { ftsBulkWritesMigration } from './migrations/007-fts-bulk-writes.js';
import { ftsPendingRangeMigration } from './migrations/008-fts-pending-range.js';
import { sharedStateMigration } from './migrations/009-shared-state.js';
import { postgresSearchColumnsMigration } from './migrations/010-postgres-search-columns.js';
import { bulkLoadKeysMigration } from './migrations/011-bulk-load-keys.js';
import { titleIndexMigration } from './migrations/012-title-index.js';
import { textChangeLogMigration } from './migrations/013-text-change-log.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<any>, dialect: DialectName): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [catalogueMigration, searchMigration, accountsMigration, trendingMigration, subscriptionsMigration, digestMigration, ftsBulkWritesMigration, ftsPendingRangeMigration, sharedStateMigration, postgresSearchColumnsMigration, bulkLoadKeysMigration, titleIndexMigration, textChangeLogMigration];

export class DatabaseTooNewError extends Error {
  constructor(dbVersion: number, codeVersion: number, location: string) {
    super(
      `database ${location} is at schema version ${dbVersion}, but this Paperboy only knows versions up to ${codeVersion}; ` +
        'upgrade Paperboy (or restore a backup) instead of running an older release against it',
    );
    this.name = 'DatabaseTooNewError';
  }
}

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

async function ensureMigrationsTable(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();
}

export async function currentSchemaVersion(db: Kysely<any>): Promise<number> {
  const row = await db
    .selectFrom('schema_migrations')
    .select(sql<number>`max(version)`.as('version'))
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

/** The lock two instances starting at once on one empty database take in turn (see DatabaseHandle.exclusively). */
export const SETUP_LOCK = 'setup';

/**
 * Brings the schema up to date. Under the setup lock, so that of several
 * instances starting together one migrates and the others then find nothing to do.
 */
export function migrate(handle: DatabaseHandle, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  return handle.exclusively(SETUP_LOCK, () => applyMigrations(handle, migrations));
}

async function applyMigrations(handle: DatabaseHandle, migrations: readonly Migration[]): Promise<MigrationResult> {
  const { db, dialect } = handle;
  await ensureMigrationsTable(db);
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const from = await currentSchemaVersion(db);
  if (from > latest) throw new DatabaseTooNewError(from, latest, handle.location);
  const applied: string[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= from) continue;
    await db.transaction().execute(async (trx) => {
      await migration.up(trx, dialect);
      await trx
        .insertInto('schema_migrations')
        .values({ version: migration.version, name: migration.name, applied_at: new Date().toISOString() })
        .execute();
    });
    applied.push(`${migration.version}-${migration.name}`);
  }
  return { from, to: Math.max(from, latest), applied };
}
