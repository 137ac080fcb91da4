/**
 * `paperboy migrate-data`: a real SQLite installation with rows in every
 * table (demo corpus, search index, accounts, votes, views, GitHub stars,
 * subscribers, a delivered digest edition and a composed one) copied into a
 * fresh PostgreSQL schema by the built command; then counts, rows field by
 * field, sequences and search on the copy. PostgreSQL only (skipped, with
 * the suite's one line, without a server).
 */
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { findOrCreateUser, insertSession, markTokenUsed, savePaper } from '../src/accounts/account-store.js';
import { addAlias, insertSignals } from '../src/catalogue/paper-store.js';
import { DEMO_CORPUS_PATH } from '../src/config/paths.js';
import { openDatabase, type DatabaseHandle } from '../src/db/connection.js';
import { COPIED_TABLES } from '../src/db/installation-tables.js';
import type { EditionKey } from '../src/digest/delivery-types.js';
import { composeEdition } from '../src/digest/edition-compose.js';
import { deliverEdition } from '../src/digest/edition-deliver.js';
import { editionEndsEverywhere } from '../src/digest/edition-key.js';
import { ingestSource } from '../src/ingest/run-ingest.js';
import { markHarvestSuccess } from '../src/ingest/sync/harvest-state.js';
import { openSearch, rebuildSearchIndex } from '../src/search/open-search.js';
import { saveObservation, saveRepoLinks } from '../src/trending/github/repo-store.js';
import { recordView } from '../src/trending/views.js';
import { castVote } from '../src/trending/votes.js';
import { DIALECTS, type TestDatabase } from './dialects.js';
import { subscribers } from './support/digest-fixtures.js';
import { digestHarness, type DigestHarness } from './support/digest-harness.js';
import { runCli } from './support/run-cli.js';
import { seedSubscriber } from './support/subscription-fixtures.js';

const postgres = DIALECTS.find((d) => d.name === 'postgres');
const DELIVERED: EditionKey = { date: '2025-05-01', frequency: 'daily' };
const COMPOSED: EditionKey = { date: '2025-05-02', frequency: 'daily' };
const NOW = new Date('2025-05-01T12:00:00.000Z');

let h: DigestHarness | undefined;
let target: TestDatabase | undefined;
const handles: DatabaseHandle[] = [];

afterEach(async () => {
  for (const handle of handles.splice(0)) await handle.close();
  await h?.dispose();
  h = undefined;
  await target?.dispose();
  target = undefined;
});

/** A SQLite installation with rows in every table migrate-data copies. */
async function populatedInstallation(): Promise<DigestHarness> {
  const harness = await digestHarness(subscribers(3));
  const { database, http } = harness.ctx;
  const db = database.db;
  await ingestSource(database, DEMO_CORPUS_PATH, { format: 'seed', http, log: () => undefined });
  await markHarvestSuccess(db, 'demo-corpus', { harvestedUntil: null });
  await db.insertInto('ingest_runs').values({ source: DEMO_CORPUS_PATH, format: 'seed', started_at: NOW.toISOString(), status: 'ok', new_count: 273, updated_count: 0, unchanged_count: 0, rejected_count: 0 }).execute();
  const seqs = (await db.selectFrom('papers').select('seq').orderBy('seq').limit(3).execute()).map((r) => r.seq);
  await addAlias(db, 'old-id-of-the-first-paper', seqs[0]!);
  await insertSignals(db, [{ seq: seqs[1]!, source: 'hf', observation: { metric: 'upvotes', value: 42 } }], NOW.toISOString());
  await rebuildSearchIndex(database);

  const user = await findOrCreateUser(db, 'reader@example.test', NOW);
  await insertSession(db, { id: 'session-hash', userId: user.id, createdAt: NOW, expiresAt: new Date('2025-06-01T00:00:00Z') });
  await markTokenUsed(db, 'token-jti', NOW);
  await savePaper(db, user.id, seqs[0]!, NOW);
  await castVote(db, user.id, seqs[0]!, NOW);
  await recordView(db, seqs[1]!, 'visitor', NOW, harness.ctx.secretKey);
  await saveRepoLinks(db, new Map([[seqs[2]!, ['github.com/example/repo']]]));
  await saveObservation(db, 'github.com/example/repo', { status: 'ok', stars: 120 }, NOW);

  for (const s of harness.audience.list) await seedSubscriber(db, { email: s.email, topics: [{ kind: 'category', value: 'cs.LG' }] });
  await composeEdition(harness.runtime, DELIVERED, { now: editionEndsEverywhere(DELIVERED.date) });
  await deliverEdition(harness.runtime, DELIVERED, { workerId: 'test' });
  await composeEdition(harness.runtime, COMPOSED, { now: editionEndsEverywhere(COMPOSED.date) });
  return harness;
}

async function countRows(db: Kysely<any>, table: string): Promise<number> {
  const result = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db);
  return Number(result.rows[0]!.n);
}

async function rowsOf(db: Kysely<any>, table: string, orderBy: string): Promise<Record<string, unknown>[]> {
  const rows = await db.selectFrom(table).selectAll().orderBy(orderBy).execute();
  // Blobs: a Buffer from both drivers, compared by content.
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v])));
}

async function topIds(database: DatabaseHandle, q: string, mode: 'keyword' | 'hybrid'): Promise<string[]> {
  const search = await openSearch(database);
  try {
    return (await search.search({ q, limit: 5, offset: 0, mode })).results.map((r) => r.id);
  } finally {
    await search.close();
  }
}

describe.runIf(postgres)('paperboy migrate-data', () => {
  it('copies every table of a SQLite installation into PostgreSQL, ids kept, counts verified, search working', { timeout: 90_000 }, async () => {
    h = await populatedInstallation();
    const source = h.ctx.database;
    for (const table of COPIED_TABLES) expect(await countRows(source.db, table), `source rows in ${table}`).toBeGreaterThan(0);
    target = await postgres!.createDatabase();

    const run = await runCli(['migrate-data', '--from', h.ctx.dbPath, '--to', target.url, '--batch-size', '50']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^papers\s+273 ->\s+273$/m);
    expect(run.stdout).toMatch(/^search documents\s+273 ->\s+273$/m);
    expect(run.stdout).toMatch(/counts verified/);
    expect(run.stdout).not.toContain('MISMATCH');

    const copy = await openDatabase(target.url);
    handles.push(copy);
    for (const table of COPIED_TABLES) expect(await countRows(copy.db, table), table).toBe(await countRows(source.db, table));
    // Field by field, ids included.
    for (const [table, key] of [
      ['papers', 'seq'],
      ['subscribers', 'id'],
      ['digest_messages', 'id'],
      ['digest_message_bodies', 'message_id'],
      ['sessions', 'id'],
      ['search_models', 'id'],
      ['paper_signals', 'id'],
    ] as const) {
      expect(await rowsOf(copy.db, table, key), table).toEqual(await rowsOf(source.db, table, key));
    }
    // Sequences moved past the copied ids: a new subscriber does not collide with a copied one.
    const fresh = await seedSubscriber(copy.db, { email: 'new@example.test' });
    expect(fresh).toBe(4);
    // Search works on the copy, with the copied semantic model, and answers as the source does.
    expect(await topIds(copy, 'identity mappings residual', 'keyword')).toEqual(await topIds(source, 'identity mappings residual', 'keyword'));
    expect(await topIds(copy, 'making language models follow instructions', 'hybrid')).toEqual(await topIds(source, 'making language models follow instructions', 'hybrid'));

    // A target holding data is refused, and left alone; --replace copies again.
    const again = await runCli(['migrate-data', '--from', h.ctx.dbPath, '--to', target.url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds data \(papers, .*subscribers.*\); pass --replace/);
    expect(await countRows(copy.db, 'subscribers')).toBe(4);
    const replaced = await runCli(['migrate-data', '--from', h.ctx.dbPath, '--to', target.url, '--replace']);
    expect(replaced.code).toBe(0);
    expect(await countRows(copy.db, 'subscribers')).toBe(3);
  });

  it('refuses a source with a table it does not know how to copy, before touching the target', async () => {
    h = await digestHarness(subscribers(1));
    await sql`CREATE TABLE plugin_notes (id integer PRIMARY KEY, note text)`.execute(h.ctx.database.db);
    target = await postgres!.createDatabase();
    const run = await runCli(['migrate-data', '--from', h.ctx.dbPath, '--to', target.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/tables this Paperboy does not know how to copy \(plugin_notes\)/);
    const copy = await openDatabase(target.url);
    handles.push(copy);
    const tables = await sql<{ n: number }>`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()`.execute(copy.db);
    expect(tables.rows[0]!.n).toBe(0);
  });

  it('refuses a missing source file and a target that is not PostgreSQL', async () => {
    const missing = await runCli(['migrate-data', '--from', '/nonexistent/paperboy.db', '--to', 'postgres://127.0.0.1:1/x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no SQLite database at \/nonexistent\/paperboy.db/);
    const notPostgres = await runCli(['migrate-data', '--from', '/tmp/a.db', '--to', '/tmp/b.db']);
    expect(notPostgres.code).toBe(1);
    expect(notPostgres.stderr).toMatch(/--to must be a postgres:\/\/ URL/);
  });
});
