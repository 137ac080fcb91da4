import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS, type TestDatabase, type TestDialect } from '../../test/dialects.js';
import { openDatabase, type DatabaseHandle } from './connection.js';
import { DatabaseTooNewError, MIGRATIONS, currentSchemaVersion, migrate } from './migrator.js';

const latest = Math.max(...MIGRATIONS.map((m) => m.version));
/** Full-text tables differ by design: FTS5's virtual table and its shadow tables, or PostgreSQL's tsvector table. */
const FULL_TEXT_TABLE = /^(papers_fts.*|paper_search)$/;

let opened: { handle: DatabaseHandle; database: TestDatabase }[] = [];
afterEach(async () => {
  for (const { handle, database } of opened) {
    await handle.close();
    await database.dispose();
  }
  opened = [];
});

async function freshDatabase(dialect: TestDialect): Promise<DatabaseHandle> {
  const database = await dialect.createDatabase();
  const handle = await openDatabase(database.url);
  opened.push({ handle, database });
  return handle;
}

async function tableColumns(handle: DatabaseHandle): Promise<Record<string, string[]>> {
  const tables = await handle.db.introspection.getTables();
  // PostgreSQL lists every schema's tables; each test database is its own schema.
  const ownSchema =
    handle.dialect === 'postgres' ? (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(handle.db)).rows[0]?.schema : undefined;
  return Object.fromEntries(
    tables
      .filter((t) => !t.isView && !FULL_TEXT_TABLE.test(t.name) && (ownSchema === undefined || t.schema === ownSchema))
      .map((t) => [t.name, t.columns.map((c) => c.name).sort()] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

async function insertPaper(handle: DatabaseHandle, title: string): Promise<number> {
  const now = new Date().toISOString();
  const row = await handle.db
    .insertInto('papers')
    .values({
      id: 'p1', title_key: title.toLowerCase(), title, abstract: 'An abstract about graphs.', authors: '["Ada Lovelace"]',
      categories: '["cs.LG"]', code_urls: '[]', has_code: 0, sources: '["test"]', search_tags: 'catcslg', first_seen_at: now, last_seen_at: now,
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return row.seq;
}

/** Papers whose full-text entry matches one word, through each dialect's own index. */
async function fullTextMatches(handle: DatabaseHandle, word: string): Promise<number[]> {
  const rows =
    handle.dialect === 'sqlite'
      ? await sql<{ seq: number }>`SELECT rowid AS seq FROM papers_fts WHERE papers_fts MATCH ${word}`.execute(handle.db)
      : await sql<{ seq: number }>`SELECT paper_seq AS seq FROM paper_search WHERE document @@ to_tsquery('english', ${word})`.execute(handle.db);
  return rows.rows.map((r) => r.seq);
}

describe.each(DIALECTS)('migrations on $name', (dialect) => {
  it('bring an empty database to the latest version, once', async () => {
    const handle = await freshDatabase(dialect);
    const first = await migrate(handle);
    expect(first.from).toBe(0);
    expect(first.to).toBe(latest);
    expect(first.applied).toHaveLength(MIGRATIONS.length);
    expect(await currentSchemaVersion(handle.db)).toBe(latest);
    const again = await migrate(handle);
    expect(again).toEqual({ from: latest, to: latest, applied: [] });
  });

  it('refuse a database migrated by a newer Paperboy', async () => {
    const handle = await freshDatabase(dialect);
    await migrate(handle);
    await handle.db.insertInto('schema_migrations').values({ version: latest + 1, name: 'future', applied_at: 'x' }).execute();
    await expect(migrate(handle)).rejects.toBeInstanceOf(DatabaseTooNewError);
  });

  it('keep the full-text index in step with inserts, edits and deletes of papers', async () => {
    const handle = await freshDatabase(dialect);
    await migrate(handle);
    const seq = await insertPaper(handle, 'Sparse transformers');
    expect(await fullTextMatches(handle, 'transformers')).toEqual([seq]);
    expect(await fullTextMatches(handle, 'lovelace')).toEqual([seq]);
    // An edit that leaves the indexed fields alone keeps the entry; one that changes them rewrites it.
    await handle.db.updateTable('papers').set({ last_seen_at: new Date().toISOString() }).where('seq', '=', seq).execute();
    expect(await fullTextMatches(handle, 'transformers')).toEqual([seq]);
    await handle.db.updateTable('papers').set({ title: 'Dense retrievers' }).where('seq', '=', seq).execute();
    expect(await fullTextMatches(handle, 'transformers')).toEqual([]);
    expect(await fullTextMatches(handle, 'retrievers')).toEqual([seq]);
    await handle.db.deleteFrom('papers').where('seq', '=', seq).execute();
    expect(await fullTextMatches(handle, 'retrievers')).toEqual([]);
  });
});

describe.runIf(DIALECTS.length > 1)('migrations across dialects', () => {
  it('create the same tables and columns on every dialect', async () => {
    const shapes = [];
    for (const dialect of DIALECTS) {
      const handle = await freshDatabase(dialect);
      await migrate(handle);
      shapes.push(await tableColumns(handle));
    }
    for (const shape of shapes.slice(1)) expect(shape).toEqual(shapes[0]);
  });
});
