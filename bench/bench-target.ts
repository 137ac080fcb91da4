/**
 * The database a benchmark runs on, so that every benchmark takes the same
 * `--db` and measures the same papers on either dialect:
 *
 * - default: a temporary SQLite copy of the cached synthetic catalogue
 *   (bench-cache.ts), as before;
 * - `--db postgres://…`: a fresh schema in that PostgreSQL database, filled
 *   from the same cached catalogue by `paperboy migrate-data`'s copier (the
 *   tsvector documents are built by its triggers meanwhile), dropped at the
 *   end unless kept;
 * - `--db 'postgres://…?options=-c%20search_path%3DNAME'`: schema NAME, created
 *   and filled the same way on the first run and kept; a later run finds the
 *   catalogue there and reuses it without copying (a million papers take many
 *   minutes to copy) — as long as it holds that catalogue and nothing else.
 *
 * Either way the SQLite catalogue can be read (`catalogue`), for benchmarks
 * that draw their inputs from it (search queries).
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { dialectOf, openDatabase, type DatabaseHandle, type DialectName } from '../src/db/connection.js';
import { copyInstallation } from '../src/db/copy-installation.js';
import { migrate } from '../src/db/migrator.js';
import { redactPostgresUrl } from '../src/db/postgres-connection.js';
import { ensureCatalogueCopy } from './bench-cache.js';

export interface BenchTarget {
  /** DATABASE_URL of the benchmark's database (for createContext and worker processes). */
  url: string;
  dialect: DialectName;
  /** Where, for the report (no password). */
  location: string;
  /** The synthetic catalogue as a SQLite database: on SQLite the benchmark's own connection, on PostgreSQL the file it was copied from. */
  catalogue(database: DatabaseHandle): SQLite.Database;
  /** Ingesting the corpus (first run only) and, on PostgreSQL, copying it in. */
  ingestSeconds?: number;
  copySeconds?: number;
  /** Bytes the database takes (the file on SQLite; tables, indexes and TOAST of the schema on PostgreSQL). */
  databaseBytes(database: DatabaseHandle): Promise<number>;
  /** Bytes of the full-text index (FTS5's tables, or `paper_search` with its GIN index). */
  fullTextBytes(database: DatabaseHandle): Promise<number>;
  dispose(options?: { keep?: boolean }): Promise<void>;
}

export interface BenchTargetOptions {
  /** `--db`: a postgres:// URL, or undefined for SQLite. */
  db?: string;
  papers: number;
  seed: number;
  /** The benchmark's temporary directory (the SQLite file goes there). */
  dir: string;
  say: (message: string) => void;
}

export async function openBenchTarget(options: BenchTargetOptions): Promise<BenchTarget> {
  if (options.db && dialectOf(options.db) !== 'postgres') throw new Error(`--db must be a postgres:// URL (SQLite is the default), not ${options.db}`);
  const file = join(options.dir, 'bench.db');
  const { ingestSeconds } = await ensureCatalogueCopy(options.papers, options.seed, file);
  // The cached catalogue may predate a migration: bring the copy up to date first (as createContext would).
  const source = await openDatabase(file);
  try {
    await migrate(source);
  } finally {
    await source.close();
  }
  if (!options.db) return sqliteTarget(file, ingestSeconds);
  return postgresTarget(options.db, file, ingestSeconds, options.say);
}

function sqliteTarget(file: string, ingestSeconds: number | undefined): BenchTarget {
  return {
    url: file,
    dialect: 'sqlite',
    location: file,
    catalogue: (database) => database.sqlite!,
    ingestSeconds,
    databaseBytes: async () => statSync(file).size,
    fullTextBytes: async (database) =>
      (database.sqlite!.prepare("SELECT sum(pgsize) AS b FROM dbstat WHERE name LIKE 'papers_fts%'").get() as { b: number }).b,
    dispose: async () => undefined,
  };
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The schema named by the URL's `options=-c search_path=NAME`, if any. */
function namedSchema(url: URL): string | undefined {
  const name = /-c\s*search_path\s*=\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(url.searchParams.get('options') ?? '')?.[1];
  return name;
}

/** Papers and subscribers in the schema, or undefined when it has no Paperboy tables yet. */
async function schemaContents(url: string): Promise<{ papers: number; subscribers: number } | undefined> {
  return withClient(url, async (client) => {
    const exists = await client.query(`SELECT to_regclass('papers') IS NOT NULL AND to_regclass('subscribers') IS NOT NULL AS ok`);
    if (!exists.rows[0]?.ok) return undefined;
    const counts = await client.query(`SELECT (SELECT count(*) FROM papers) AS papers, (SELECT count(*) FROM subscribers) AS subscribers`);
    return { papers: Number(counts.rows[0].papers), subscribers: Number(counts.rows[0].subscribers) };
  });
}

async function postgresTarget(serverUrl: string, file: string, ingestSeconds: number | undefined, say: (message: string) => void): Promise<BenchTarget> {
  const url = new URL(serverUrl);
  const named = namedSchema(url);
  const schema = named ?? `paperboy_bench_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE SCHEMA ${named ? 'IF NOT EXISTS ' : ''}${schema}`));
  url.searchParams.set('options', `-c search_path=${schema}`);
  const location = `${redactPostgresUrl(serverUrl)} (schema ${schema})`;
  const catalogue = new SQLite(file, { readonly: true });
  const expected = (catalogue.prepare('SELECT count(*) AS n FROM papers').get() as { n: number }).n;
  const contents = named ? await schemaContents(url.toString()) : undefined;
  let copySeconds: number | undefined;
  if (contents && contents.papers === expected && contents.subscribers === 0) {
    say(`reusing the catalogue already in ${location} (${expected.toLocaleString('en-US')} papers; not copied, not timed)`);
    const target = await openDatabase(url.toString(), { poolSize: 2 });
    await migrate(target).finally(() => target.close());
  } else {
    if (contents && (contents.papers > 0 || contents.subscribers > 0)) {
      catalogue.close();
      throw new Error(`schema ${schema} holds ${contents.papers} papers and ${contents.subscribers} subscribers, not this catalogue alone: drop it or name another`);
    }
    copySeconds = await copyInto(url.toString(), file, location, say, () =>
      named ? Promise.resolve() : withClient(serverUrl, (client) => client.query(`DROP SCHEMA ${schema} CASCADE`)).then(() => undefined),
    );
  }
  const bytesOf = async (database: DatabaseHandle, relations: 'schema' | 'paper_search') => {
    const result =
      relations === 'schema'
        ? await sql<{ b: number }>`SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS b FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')`.execute(database.db)
        : await sql<{ b: number }>`SELECT pg_total_relation_size('paper_search') AS b`.execute(database.db);
    return Number(result.rows[0]?.b ?? 0);
  };
  return {
    url: url.toString(),
    dialect: 'postgres',
    location,
    catalogue: () => catalogue,
    ingestSeconds,
    copySeconds,
    databaseBytes: (database) => bytesOf(database, 'schema'),
    fullTextBytes: (database) => bytesOf(database, 'paper_search'),
    dispose: async ({ keep = named !== undefined } = {}) => {
      catalogue.close();
      if (keep) say(`kept schema ${schema} (DATABASE_URL=${redactPostgresUrl(url.toString())})`);
      else await withClient(serverUrl, (client) => client.query(`DROP SCHEMA ${schema} CASCADE`));
    },
  };
}

/** Copies the catalogue file into the schema; returns the seconds it took. A failed copy calls `undo`. */
async function copyInto(url: string, file: string, location: string, say: (message: string) => void, undo: () => Promise<void>): Promise<number> {
  say(`copying the catalogue into ${location} ...`);
  const started = performance.now();
  const source = await openDatabase(file);
  const target = await openDatabase(url, { poolSize: 2 });
  try {
    await copyInstallation(source, target);
  } catch (error) {
    await undo().catch(() => undefined);
    throw error;
  } finally {
    await target.close();
    await source.close();
  }
  return (performance.now() - started) / 1000;
}
