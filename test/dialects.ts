/**
 * The database dialects a test runs against, as Kysely's own tests do:
 *
 *   describe.each(DIALECTS)('votes on $name', (dialect) => { … })
 *
 * SQLite (a temporary file) always; PostgreSQL when the server at
 * PAPERBOY_TEST_POSTGRES_URL answered the suite's global setup (see
 * postgres-setup.ts, which prints the one line saying when it did not). Each
 * PostgreSQL database is a fresh schema, named on the connection's
 * search_path and dropped afterwards, so tests never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { DialectName } from '../src/db/connection.js';
import { createTempContext, type TempContext } from './support/temp-context.js';

export const TEST_POSTGRES_URL = process.env.PAPERBOY_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** DATABASE_URL of the fresh, empty database. */
  url: string;
  dispose(): Promise<void>;
}

export interface TestDialect {
  name: DialectName;
  createDatabase(): Promise<TestDatabase>;
}

const sqliteDialect: TestDialect = {
  name: 'sqlite',
  createDatabase: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-db-'));
    return { url: join(dir, 'paperboy.db'), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

async function withAdminClient(run: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}

const postgresDialect: TestDialect = {
  name: 'postgres',
  createDatabase: async () => {
    const schema = `pb_test_${randomBytes(6).toString('hex')}`;
    await withAdminClient((client) => client.query(`CREATE SCHEMA ${schema}`).then(() => undefined));
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return {
      url: url.toString(),
      dispose: () => withAdminClient((client) => client.query(`DROP SCHEMA ${schema} CASCADE`).then(() => undefined)),
    };
  },
};

export const DIALECTS: readonly TestDialect[] = inject('postgresReachable') ? [sqliteDialect, postgresDialect] : [sqliteDialect];

/** createTempContext on a fresh database of this dialect; dispose() drops it. */
export async function createDialectContext(dialect: TestDialect, env: Record<string, string> = {}): Promise<TempContext> {
  const database = await dialect.createDatabase();
  let ctx: TempContext;
  try {
    ctx = await createTempContext({ ...env, DATABASE_URL: database.url });
  } catch (error) {
    await database.dispose();
    throw error;
  }
  return {
    ...ctx,
    dbPath: database.url,
    dispose: async () => {
      await ctx.dispose();
      await database.dispose();
    },
  };
}
