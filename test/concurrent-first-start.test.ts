/**
 * Two instances starting at the same moment on one empty PostgreSQL database
 * (a deploy rolling out two servers at once): one migrates and loads the demo
 * corpus, the other waits on the setup lock and then finds both done. Each
 * instance has its own connection pool, as separate processes would.
 * PostgreSQL only: a SQLite file is served by one process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { createContext, type AppContext } from '../src/context.js';
import { MIGRATIONS } from '../src/db/migrator.js';
import { loadDemoCorpusOnce } from '../src/ingest/demo-corpus.js';
import { DIALECTS, type TestDatabase } from './dialects.js';

const postgres = DIALECTS.find((d) => d.name === 'postgres');
let database: TestDatabase | undefined;
let dir: string | undefined;
const contexts: AppContext[] = [];

afterEach(async () => {
  for (const ctx of contexts.splice(0)) await ctx.close();
  await database?.dispose();
  database = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * What `npm start` does before serving: open and migrate, then load the demo corpus if the catalogue is new.
 * A pool of one connection: the lock is held on a connection of its own, so the work under it still gets one.
 */
async function startInstance(url: string, name: string) {
  const config = loadConfig({}, { DATABASE_URL: url, DATA_DIR: join(dir!, name), DATABASE_POOL_SIZE: '1', LOG_LEVEL: 'silent' });
  const ctx = await createContext(config);
  contexts.push(ctx);
  const demo = await loadDemoCorpusOnce(ctx.database, ctx.http, () => undefined);
  return { ctx, demo };
}

describe.runIf(postgres)('two instances starting at once on an empty PostgreSQL database', () => {
  it('migrate once and load the demo corpus once', async () => {
    database = await postgres!.createDatabase();
    dir = mkdtempSync(join(tmpdir(), 'paperboy-first-start-'));
    const [a, b] = await Promise.all([startInstance(database.url, 'a'), startInstance(database.url, 'b')]);

    // Exactly one of them loaded the corpus; the other found it loaded.
    const loads = [a.demo, b.demo].filter((d) => d !== undefined);
    expect(loads).toHaveLength(1);
    expect(loads[0]!.new).toBe(273);

    const db = a.ctx.database.db;
    const migrations = await db.selectFrom('schema_migrations').select(['version']).orderBy('version').execute();
    expect(migrations.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version).sort((x, y) => x - y));
    const papers = await sql<{ papers: number; titles: number; ids: number }>`
      SELECT count(*) AS papers, count(DISTINCT title_key) AS titles, count(DISTINCT id) AS ids FROM papers`.execute(db);
    expect(papers.rows[0]).toEqual({ papers: 273, titles: 273, ids: 273 });
    const marks = await db.selectFrom('harvest_state').select(['source_key']).execute();
    expect(marks).toEqual([{ source_key: 'demo-corpus' }]);
    const indexed = await sql<{ n: number }>`SELECT count(*) AS n FROM paper_search`.execute(db);
    expect(indexed.rows[0]!.n).toBe(273);

    // The lock was given back: a third instance starts at once and has nothing to do.
    const c = await startInstance(database.url, 'c');
    expect(c.demo).toBeUndefined();
  });
});
