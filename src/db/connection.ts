/**
 * Opens the database named by DATABASE_URL: a SQLite file path (the embedded
 * default) or a postgres:// URL.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { openPostgres, type PostgresOptions } from './postgres-connection.js';

export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Human-readable location for logs (file path or URL without password). */
  location: string;
  /** The raw SQLite connection, for the few dialect modules that need it (FTS5, backups). */
  sqlite?: SQLite.Database;
  /**
   * Runs `run` while no other process runs anything under the same name on
   * this installation: first-start work (migrating, loading the demo corpus)
   * that two instances starting at once must not both do. PostgreSQL, which
   * several servers share, holds an advisory lock; SQLite just runs it: its
   * file belongs to one server process (the CLI works on a database that
   * process has already migrated), so there is no second instance to wait for.
   */
  exclusively<T>(name: string, run: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function dialectOf(url: string): DialectName {
  return /^postgres(?:ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}

export interface OpenOptions {
  /** PostgreSQL only: connections in the pool (SQLite has one connection). */
  poolSize?: number;
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<DatabaseHandle> {
  if (dialectOf(url) === 'postgres') return openPostgres(url, options satisfies PostgresOptions);
  return openSqlite(url);
}

function sqlitePath(url: string): string {
  return url.replace(/^sqlite:(?:\/\/)?/i, '').replace(/^file:/i, '');
}

function openSqlite(url: string): DatabaseHandle {
  const path = sqlitePath(url);
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new SQLite(path);
  // WAL lets the web server read while an ingest writes; NORMAL sync is durable
  // across application crashes, which is what WAL mode needs to be safe.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    dialect: 'sqlite',
    location: inMemory ? ':memory:' : resolve(path),
    sqlite,
    exclusively: (_name, run) => run(),
    close: async () => {
      await db.destroy();
    },
  };
}
