import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase, type TestDialect } from './dialects.js';
import { FIXTURES_DIR, startFixtureServer } from './support/fixture-server.js';
import { runCli } from './support/run-cli.js';
import { FIXTURE } from './support/temp-context.js';

let dir: string;
/** DATABASE_URL of the test's database: a SQLite file or a PostgreSQL schema of its own. */
let db: string;
let database: TestDatabase;
/** Set by each describe.each(DIALECTS) block's beforeAll, which runs before this beforeEach. */
let dialect: TestDialect = DIALECTS[0]!;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-trending-cli-'));
  database = await dialect.createDatabase();
  db = database.url;
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await database.dispose();
});

/** The real HF daily-papers response, its papers re-dated to two days ago so their first upvotes are fresh activity. */
function freshHfDay(): string {
  const recent = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const text = readFileSync(FIXTURE('hf_daily_papers/buivannn_daily_papers_2026-07-31_first2.json'), 'utf8');
  const file = join(dir, 'hf-fresh.json');
  writeFileSync(file, text.replace(/"publishedAt": "2026-07-(28|30)T00:00:00.000Z"/g, `"publishedAt": "${recent}"`));
  return file;
}

describe.each(DIALECTS)('paperboy trending on $name', (each) => {
  beforeAll(() => {
    dialect = each;
  });

  it('prints newest papers and says so when nothing happened in the window', async () => {
    expect((await runCli(['ingest', FIXTURE('hf_daily_papers/deep-diver_daily_papers_2024-10-25_first2.json'), '--db', db])).code).toBe(0);
    const result = await runCli(['trending', '--json', '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({ window: 'day', fallback: 'newest', total: 2 });
    expect(body.entries.map((e: { id: string }) => e.id)).toEqual(['2410.17243', '2410.16251']);
    expect(body.entries[0]).toEqual({
      id: '2410.17243',
      title: 'Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss',
      score: 0,
      components: { upvotes: 0, views: 0, githubStars: 0, hfUpvotes: 0 },
      explanation: '',
    });
    const human = await runCli(['trending', '--db', db]);
    expect(human.stdout).toMatch(/^No activity in the last 24 hours: the newest papers instead\./);
  });

  it('ranks Hugging Face activity, as JSON and as text', async () => {
    expect((await runCli(['ingest', freshHfDay(), '--db', db])).code).toBe(0);
    const result = await runCli(['trending', '--window', 'week', '--limit', '5', '--json', '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({ window: 'week', fallback: null, total: 2 });
    expect(body.entries.map((e: { id: string; components: { hfUpvotes: number }; explanation: string }) => [e.id, e.components.hfUpvotes, e.explanation])).toEqual([
      ['2607.27958', 11, '+11 Hugging Face upvotes in 7 days'],
      ['2607.23193', 3, '+3 Hugging Face upvotes in 7 days'],
    ]);
    expect(body.entries[0].score).toBeGreaterThan(body.entries[1].score);
    const human = await runCli(['trending', '--window', 'week', '--limit', '1', '--db', db]);
    expect(human.stdout).toContain('1. Σ-Mem: An Online Reliability Memory for LLM-based Multi-Agent Systems');
    expect(human.stdout).toMatch(/score \d+\.\d{3}: upvotes 0, Hugging Face upvotes 11, GitHub stars 0, views 0/);
  });

  it('polls GitHub once with poll-github', async () => {
    expect((await runCli(['ingest', freshHfDay(), '--db', db])).code).toBe(0);
    const repo = readFileSync(join(FIXTURES_DIR, 'github/repos_mac-automl_omniscope.json'), 'utf8');
    const server = await startFixtureServer({
      '/rate_limit': { file: 'github/rate_limit.json' },
      '/repos/mac-automl/omniscope': { file: 'github/repos_mac-automl_omniscope.json' },
      '/repos/declare-lab/sigma-mem': { body: repo.replace(/"stargazers_count": 27/, '"stargazers_count": 4'), headers: { 'Content-Type': 'application/json' } },
    });
    try {
      const env = { GITHUB_API_URL: server.url, GITHUB_TOKEN: 'ghp_testtoken' };
      const result = await runCli(['trending', 'poll-github', '--db', db], { env });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^2 of 2 repositories polled, 2 changed, 0 unchanged, 0 gone; rate limit 4986 left, resets 2026-11-30T01:00:00.000Z/);
      expect(server.requests.map((r) => r.path)).toEqual(['/rate_limit', '/repos/declare-lab/sigma-mem', '/repos/mac-automl/omniscope']);
    } finally {
      await server.close();
    }
  });

  it('rejects an unknown window', async () => {
    const result = await runCli(['trending', '--window', 'year', '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--window must be one of day, week, month, all');
  });
});
