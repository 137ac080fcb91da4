/**
 * Migration 010 on an installation that already has papers: their search
 * documents are rewritten into the per-field columns, and the triggers keep
 * writing all of them for papers inserted or changed afterwards.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../../test/dialects.js';
import { openDatabase, type DatabaseHandle } from '../connection.js';
import { MIGRATIONS, migrate } from '../migrator.js';

const postgres = DIALECTS.find((d) => d.name === 'postgres');

let opened: { handle: DatabaseHandle; database: TestDatabase } | undefined;
afterEach(async () => {
  await opened?.handle.close();
  await opened?.database.dispose();
  opened = undefined;
});

async function insertPaper(handle: DatabaseHandle, id: string, title: string, authors: string): Promise<void> {
  const now = new Date().toISOString();
  await handle.db
    .insertInto('papers')
    .values({
      id, title_key: title.toLowerCase(), title, abstract: 'Graphs, once more, with feeling.', authors,
      categories: '["cs.LG"]', code_urls: '[]', has_code: 0, sources: '["test"]', search_tags: 'catcslg archcs yr2024', first_seen_at: now, last_seen_at: now,
    })
    .execute();
}

/** Ids of papers whose `column` matches the tsquery text. */
async function matching(handle: DatabaseHandle, column: 'document' | 'title' | 'authors' | 'tags', query: string): Promise<string[]> {
  const config = column === 'tags' ? 'simple' : 'english';
  const rows = await sql<{ id: string }>`SELECT p.id FROM paper_search s JOIN papers p ON p.seq = s.paper_seq
    WHERE ${sql.ref(`s.${column}`)} @@ to_tsquery(${config}::regconfig, ${query}) ORDER BY p.id`.execute(handle.db);
  return rows.rows.map((r) => r.id);
}

describe.runIf(postgres)('migration 010 (PostgreSQL search columns)', () => {
  it('rewrites the documents of existing papers into per-field columns, and the triggers fill them afterwards', async () => {
    const database = await postgres!.createDatabase();
    const handle = await openDatabase(database.url);
    opened = { handle, database };
    await migrate(handle, MIGRATIONS.filter((m) => m.version < 10));
    await insertPaper(handle, 'old', 'Attention Graphs', '["Ada Lovelace"]');
    await migrate(handle);
    await insertPaper(handle, 'new', 'Lovelace Networks', '["Grace Hopper"]');
    await handle.db.updateTable('papers').set({ title: 'Attention Graphs Revisited' }).where('id', '=', 'new').execute();

    expect(await matching(handle, 'document', "'graph' & 'feel'")).toEqual(['new', 'old']);
    expect(await matching(handle, 'document', "'lovelac'")).toEqual(['old']);
    expect(await matching(handle, 'document', "'hopper' & 'revisit'")).toEqual(['new']);
    expect(await matching(handle, 'title', "'attent'")).toEqual(['new', 'old']);
    // "Lovelace" is an author of one paper, and was a title word of the other before its update.
    expect(await matching(handle, 'authors', "'lovelac'")).toEqual(['old']);
    expect(await matching(handle, 'title', "'lovelac'")).toEqual([]);
    expect(await matching(handle, 'tags', "'yr2024' & 'catcslg'")).toEqual(['new', 'old']);
    // Tags are not free text, and free text is not tags.
    expect(await matching(handle, 'document', "'yr2024'")).toEqual([]);
    expect(await matching(handle, 'tags', "'graph'")).toEqual([]);
  });
});
