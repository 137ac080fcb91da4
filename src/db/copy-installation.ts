/**
 * Copies a whole installation from its SQLite file into a PostgreSQL
 * database (`paperboy migrate-data`): every table of installation-tables.ts,
 * row for row with the same ids, in batches, then the sequences moved past
 * the copied ids. The whole copy is one PostgreSQL transaction, checked
 * before it commits — rows per table, and a search document per paper — so
 * a copy that fails or does not add up leaves the target as it was.
 *
 * The source is read in one SQLite read transaction: a server still running
 * on it may go on writing, and the copy is the installation as of its start.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { DatabaseHandle } from './connection.js';
import { COPIED_TABLES, POSTGRES_SEARCH_TABLE, unaccountedTables } from './installation-tables.js';
import { currentSchemaVersion, migrate, MIGRATIONS, SETUP_LOCK } from './migrator.js';

export interface CopyProgress {
  table: string;
  /** Rows copied so far, over all tables, and how many there are in all. */
  copied: number;
  total: number;
}

export interface CopyOptions {
  /** Empty the target's tables first; without it a target holding any row is refused. */
  replace?: boolean;
  /** Rows per INSERT at most (fewer for wide tables: PostgreSQL takes 65,535 parameters a statement). */
  batchSize?: number;
  onProgress?: (progress: CopyProgress) => void;
}

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export interface CopyReport {
  tables: TableCount[];
  /** Search documents in the target's `paper_search`, which should equal its papers. */
  searchDocuments: number;
  seconds: number;
}

/** The copy did not add up; it was rolled back. `report` has the counts. */
export class CopyMismatchError extends Error {
  constructor(readonly report: CopyReport) {
    const wrong = report.tables.filter((t) => t.source !== t.target).map((t) => `${t.table}: ${t.source} in the source, ${t.target} copied`);
    const papers = report.tables.find((t) => t.table === 'papers')?.target ?? 0;
    if (report.searchDocuments !== papers) wrong.push(`search documents: ${report.searchDocuments} for ${papers} papers`);
    super(`the copy does not match the source (${wrong.join('; ')}); nothing was committed`);
    this.name = 'CopyMismatchError';
  }
}

const MAX_PARAMETERS = 60_000;

export async function copyInstallation(source: DatabaseHandle, target: DatabaseHandle, options: CopyOptions = {}): Promise<CopyReport> {
  const startedAt = Date.now();
  const sqlite = source.sqlite;
  if (source.dialect !== 'sqlite' || !sqlite) throw new Error(`the source must be a SQLite file, not ${source.location}`);
  if (target.dialect !== 'postgres') throw new Error(`the target must be a postgres:// database, not ${target.location}`);
  await checkSourceVersion(source);
  const unknown = unaccountedTables(sourceTables(sqlite));
  if (unknown.length > 0) {
    throw new Error(`the source has tables this Paperboy does not know how to copy (${unknown.join(', ')}); nothing was copied`);
  }
  await migrate(target);
  const columns = await matchingColumns(sqlite, target.db);

  // Under the setup lock: an instance starting on the target meanwhile waits, instead of loading the demo corpus into it.
  return target.exclusively(SETUP_LOCK, () =>
    target.db.transaction().execute(async (trx) => {
      await prepareTarget(trx, options.replace ?? false, target.location);
      const secondaryIndexes = await dropSecondaryIndexes(trx);
      sqlite.exec('BEGIN');
      try {
        const sourceCounts = new Map(COPIED_TABLES.map((t) => [t, countSourceRows(sqlite, t)]));
        const total = [...sourceCounts.values()].reduce((a, b) => a + b, 0);
        let copied = 0;
        for (const table of COPIED_TABLES) {
          options.onProgress?.({ table, copied, total });
          await copyTable(sqlite, trx, table, columns.get(table)!, options.batchSize ?? 2000, (rows) => {
            copied += rows;
            options.onProgress?.({ table, copied, total });
          });
        }
        await recreateIndexes(trx, secondaryIndexes);
        await resetSequences(trx);
        const report = await countCopy(trx, sourceCounts, startedAt);
        if (!copyAddsUp(report)) throw new CopyMismatchError(report);
        return report;
      } finally {
        sqlite.exec('COMMIT');
      }
    }),
  );
}

export function copyAddsUp(report: CopyReport): boolean {
  const papers = report.tables.find((t) => t.table === 'papers')?.target ?? 0;
  return report.tables.every((t) => t.source === t.target) && report.searchDocuments === papers;
}

async function checkSourceVersion(source: DatabaseHandle): Promise<void> {
  const latest = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
  const version = await currentSchemaVersion(source.db).catch(() => 0);
  if (version === latest) return;
  if (version === 0) throw new Error(`${source.location} is not a Paperboy database (no schema version)`);
  throw new Error(
    version < latest
      ? `${source.location} is at schema version ${version}, this Paperboy at ${latest}: run \`paperboy migrate --db ${source.location}\` first`
      : `${source.location} is at schema version ${version}, newer than this Paperboy (${latest}): copy it with the Paperboy that wrote it`,
  );
}

function sourceTables(sqlite: SQLite.Database): string[] {
  return sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
}

function sourceColumns(sqlite: SQLite.Database, table: string): string[] {
  return sqlite.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all(table) as string[];
}

/** Each copied table's columns, which must be the same on both sides (same schema version, so a difference is a bug worth stopping for). */
async function matchingColumns(sqlite: SQLite.Database, db: Kysely<any>): Promise<Map<string, string[]>> {
  const rows = await sql<{ table_name: string; column_name: string }>`
    SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`.execute(db);
  const targetColumns = new Map<string, Set<string>>();
  for (const r of rows.rows) targetColumns.set(r.table_name, (targetColumns.get(r.table_name) ?? new Set()).add(r.column_name));
  const result = new Map<string, string[]>();
  for (const table of COPIED_TABLES) {
    const columns = sourceColumns(sqlite, table);
    const inTarget = targetColumns.get(table) ?? new Set<string>();
    const differ = [...columns.filter((c) => !inTarget.has(c)), ...[...inTarget].filter((c) => !columns.includes(c))];
    if (columns.length === 0 || differ.length > 0) {
      throw new Error(`table ${table} differs between source and target (${columns.length === 0 ? 'missing in the source' : `columns ${differ.join(', ')}`})`);
    }
    result.set(table, columns);
  }
  return result;
}

async function prepareTarget(trx: Transaction<any>, replace: boolean, location: string): Promise<void> {
  if (replace) {
    // CASCADE also empties paper_search. The target's scheduler_locks stay: they are the leases of its own live processes.
    const tables = COPIED_TABLES.map((t) => sql.table(t));
    await sql`TRUNCATE ${sql.join(tables)} CASCADE`.execute(trx);
    return;
  }
  const occupied: string[] = [];
  for (const table of COPIED_TABLES) {
    const row = await sql<{ found: boolean }>`SELECT EXISTS (SELECT 1 FROM ${sql.table(table)}) AS found`.execute(trx);
    if (row.rows[0]?.found) occupied.push(table);
  }
  if (occupied.length > 0) {
    throw new Error(`${location} already holds data (${occupied.join(', ')}); pass --replace to empty it and copy anyway`);
  }
}

function countSourceRows(sqlite: SQLite.Database, table: string): number {
  return Number(sqlite.prepare(`SELECT count(*) FROM "${table}"`).pluck().get());
}

/** Copies one table in rowid order (every Paperboy table is a rowid table), a batch per INSERT. */
async function copyTable(
  sqlite: SQLite.Database,
  trx: Transaction<any>,
  table: string,
  columns: string[],
  batchSize: number,
  onBatch: (rows: number) => void,
): Promise<void> {
  const limit = Math.max(1, Math.min(batchSize, Math.floor(MAX_PARAMETERS / columns.length)));
  const select = sqlite
    .prepare(`SELECT rowid, ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}" WHERE rowid > ? ORDER BY rowid LIMIT ?`)
    .raw(true);
  const into = sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) VALUES `;
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const rows = select.all(after, limit) as unknown[][];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]![0] as number;
    const values = rows.map((row) => sql`(${sql.join(row.slice(1))})`);
    await sql`${into}${sql.join(values)}`.execute(trx);
    onBatch(rows.length);
  }
}

/**
 * Indexes that back no constraint (search, lookups, the GIN index of the
 * tsvector documents) are dropped for the copy and built again at its end,
 * in the same transaction: one sorted build costs much less than keeping
 * each up to date row by row. Primary keys and unique constraints stay, so
 * the copy is still checked against them. Returns their definitions.
 */
async function dropSecondaryIndexes(trx: Transaction<any>): Promise<string[]> {
  const indexes = await sql<{ name: string; definition: string }>`
    SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
    WHERE i.schemaname = current_schema()
      AND i.tablename IN (${sql.join([...COPIED_TABLES, POSTGRES_SEARCH_TABLE])})
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = current_schema()::regnamespace)`.execute(trx);
  for (const index of indexes.rows) await sql`DROP INDEX ${sql.ref(index.name)}`.execute(trx);
  return indexes.rows.map((index) => index.definition);
}

async function recreateIndexes(trx: Transaction<any>, definitions: readonly string[]): Promise<void> {
  // The definitions are PostgreSQL's own (pg_indexes.indexdef), not input.
  for (const definition of definitions) await sql.raw(definition).execute(trx);
}

/** Moves every serial column's sequence past the largest copied id, so new rows do not collide with copied ones. */
async function resetSequences(trx: Transaction<any>): Promise<void> {
  const serials = await sql<{ table_name: string; column_name: string }>`
    SELECT table_name, column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'`.execute(trx);
  for (const { table_name: table, column_name: column } of serials.rows) {
    await sql`SELECT setval(pg_get_serial_sequence(${table}, ${column}), coalesce((SELECT max(${sql.ref(column)}) FROM ${sql.table(table)}), 0) + 1, false)`.execute(trx);
  }
}

async function countCopy(trx: Transaction<any>, sourceCounts: Map<string, number>, startedAt: number): Promise<CopyReport> {
  const tables: TableCount[] = [];
  for (const table of COPIED_TABLES) {
    const row = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(trx);
    tables.push({ table, source: sourceCounts.get(table) ?? 0, target: Number(row.rows[0]?.n ?? 0) });
  }
  const documents = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(POSTGRES_SEARCH_TABLE)}`.execute(trx);
  return { tables, searchDocuments: Number(documents.rows[0]?.n ?? 0), seconds: (Date.now() - startedAt) / 1000 };
}
