import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countPapers } from '../src/catalogue/paper-store.js';
import { openDatabase } from '../src/db/connection.js';
import { DIALECTS, type TestDatabase, type TestDialect } from './dialects.js';
import { FIXTURE } from './support/temp-context.js';
import { runCli } from './support/run-cli.js';

let dir: string;
/** DATABASE_URL of the test's database: a SQLite file or a PostgreSQL schema of its own. */
let db: string;
let database: TestDatabase;
/** Set by each describe.each(DIALECTS) block's beforeAll, which runs before this beforeEach. */
let dialect: TestDialect = DIALECTS[0]!;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-cli-'));
  database = await dialect.createDatabase();
  db = database.url;
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await database.dispose();
});

const SUMMARY = /(\d+) new, (\d+) updated, (\d+) unchanged, (\d+) rejected/;

describe.each(DIALECTS)('paperboy CLI on $name', (each) => {
  beforeAll(() => {
    dialect = each;
  });

  it('ingests the demo corpus, then re-ingesting changes nothing', async () => {
    const first = await runCli(['ingest', 'assets/demo-corpus.txt', '--db', db]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/\(seed\): 273 new, 0 updated, 0 unchanged, 0 rejected/);
    const second = await runCli(['ingest', 'assets/demo-corpus.txt', '--db', db]);
    expect(second.stdout).toMatch(/0 new, 0 updated, 273 unchanged, 0 rejected/);
  });

  it('rebuilds the search index, after which search answers from it', async () => {
    expect((await runCli(['ingest', 'assets/demo-corpus.txt', '--db', db])).code).toBe(0);
    const rebuilt = await runCli(['index', 'rebuild', '--db', db]);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(/search index rebuilt in [\d.]+ s: vocabulary \d+ words; semantic model .+ 273 papers embedded/);
    if (dialect.name === 'sqlite') {
      const handle = await openDatabase(db);
      try {
        const sqlite = handle.sqlite!;
        expect(sqlite.prepare('SELECT count(*) FROM papers_fts_title_docsize').pluck().get()).toBe(273);
        // Merged into one segment.
        expect(sqlite.prepare('SELECT count(DISTINCT segid) FROM papers_fts_idx').pluck().get()).toBe(1);
      } finally {
        await handle.close();
      }
    }
    const found = await runCli(['search', 'speculativ decodng', '--json', '--db', db]);
    expect(JSON.parse(found.stdout).results[0].title).toMatch(/speculative decoding/i);
  });

  it('reads standard input with -, and honours DATABASE_URL', async () => {
    const input = readFileSync(FIXTURE('kaggle_arxiv_snapshot/wanng-ide_snapshot_lines1-5.jsonl'));
    const result = await runCli(['ingest', '-'], { stdin: input, env: { DATABASE_URL: db } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ingested stdin \(kaggle\): 5 new/);
  });

  it('skips a malformed line with a message naming file and line, and stores the rest', async () => {
    const lines = readFileSync(FIXTURE('kaggle_arxiv_snapshot/wanng-ide_snapshot_lines1-5.jsonl'), 'utf8').trim().split('\n');
    lines.splice(2, 0, '{"id":"0704.9999","title":');
    const file = join(dir, 'dump.jsonl');
    writeFileSync(file, lines.join('\n'));
    const result = await runCli(['ingest', file, '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`skipped ${file}:3: broken JSON`);
    expect(result.stdout.match(SUMMARY)!.slice(1)).toEqual(['5', '0', '0', '1']);
  });

  it('fails clearly on an unknown format, leaving the database as it was', async () => {
    const seeded = await runCli(['ingest', 'assets/demo-corpus.txt', '--db', db]);
    expect(seeded.stdout + seeded.stderr).toMatch(/273 new/);
    const file = join(dir, 'notes.csv');
    writeFileSync(file, '{"hello": "world"}\n');
    const result = await runCli(['ingest', file, '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/notes\.csv: not a format Paperboy knows/);
    const handle = await openDatabase(db);
    expect(await countPapers(handle.db)).toBe(273);
    await handle.close();
  });

  it('rejects an unknown --format and a bad command with usage errors', async () => {
    expect((await runCli(['ingest', 'assets/demo-corpus.txt', '--format', 'csv', '--db', db])).stderr).toMatch(/unknown format "csv"/);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });

  it('exports the catalogue as JSON Lines with every field', async () => {
    await runCli(['ingest', FIXTURE('arxiv_api_atom/lukasschwab_id_list_1111.2011v2_2016.xml'), '--db', db]);
    await runCli(['ingest', 'assets/demo-corpus.txt', '--db', db]);
    const result = await runCli(['export', '--format', 'jsonl', '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    const papers = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(papers).toHaveLength(274);
    expect(Object.keys(papers[0]).sort()).toEqual(
      ['abstract', 'absUrl', 'arxivId', 'authors', 'categories', 'codeUrls', 'comments', 'doi', 'firstSeenAt', 'id', 'journalRef', 'lastSeenAt', 'pdfUrl', 'publishedAt', 'sources', 'title', 'updatedAt', 'version'].sort(),
    );
    expect(papers[0]).toMatchObject({ id: '1111.2011', version: 2 });
  });

  it('searches, with --json printing one object of results in rank order', async () => {
    await runCli(['ingest', 'assets/demo-corpus.txt', '--db', db]);
    const result = await runCli(['search', 'speculativ decodng', '--json', '--limit', '5', '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({ query: 'speculativ decodng', total: expect.any(Number) });
    expect(body.results).toHaveLength(5);
    expect(body.results[0]).toMatchObject({ id: expect.any(String), title: expect.stringMatching(/Speculative/i), authors: [], published: null, score: expect.any(Number), snippet: expect.any(String) });
    const human = await runCli(['search', 'AWQ', '--db', db]);
    expect(human.stdout).toMatch(/1\. AWQ: Activation-aware Weight Quantization/);
  });

  it('refuses a database migrated by a newer Paperboy', async () => {
    await runCli(['migrate', '--db', db]);
    const handle = await openDatabase(db);
    await handle.db.insertInto('schema_migrations').values({ version: 999, name: 'future', applied_at: 'x' }).execute();
    await handle.close();
    const result = await runCli(['export', '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/schema version 999, but this Paperboy only knows versions up to \d+/);
  });

  it('fails fast on invalid configuration', async () => {
    const result = await runCli(['migrate'], { env: { PORT: 'eighty', DATABASE_URL: db } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid configuration:\n\s+- PORT:/);
  });
});
