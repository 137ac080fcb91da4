/**
 * PostgreSQL through Kysely's PostgresDialect and a node-postgres pool.
 * Query modules above this one are written for both dialects, so the pool
 * hands back the same JavaScript types SQLite does (see `typeParsers`).
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { withAdvisoryLock } from './advisory-lock.js';
import type { DatabaseHandle } from './connection.js';
import type { Database } from './schema.js';

/** Connections per process: enough for a web server plus a scheduler and a few digest senders. */
export const DEFAULT_POSTGRES_POOL_SIZE = 10;

export interface PostgresOptions {
  /** Most connections the pool opens at once. */
  poolSize?: number;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * node-postgres returns BIGINT (our bigserial ids, `count(*)`, `sum()` of
 * integers) and NUMERIC (`sum()` of bigints, `avg()`) as strings, because
 * they may not fit a double. Our ids and counts stay far below 2^53, and every
 * caller expects numbers, as SQLite gives them, so both become numbers here
 * — per pool, not through pg's global parsers, which other libraries share.
 */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** The URL as it may appear in logs: no password. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '';
    return parsed.toString().replace(/:@/, '@');
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? DEFAULT_POSTGRES_POOL_SIZE,
    types: typeParsers,
  });
  // An idle connection that the server drops (restart, timeout) emits 'error' on
  // the pool; unhandled, that would end the process. The pool replaces it.
  pool.on('error', (error) => {
    process.stderr.write(`paperboy: PostgreSQL connection lost (${error.message}); the pool reconnects\n`);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const location = redactPostgresUrl(url);
  try {
    // Fail at start with the reason, rather than at the first request.
    await sql`SELECT 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new Error(`cannot connect to PostgreSQL at ${location}: ${(error as Error).message}`);
  }
  return {
    db,
    dialect: 'postgres',
    location,
    exclusively: (name, run) => withAdvisoryLock(url, name, run),
    close: async () => {
      await db.destroy();
    },
  };
}
