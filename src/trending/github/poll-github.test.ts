import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFixtureServer, FIXTURES_DIR, type FixtureServer, type RecordedRequest } from '../../../test/support/fixture-server.js';
import { createDialectContext, DIALECTS, type TestDialect } from '../../../test/dialects.js';
import { createTempContext, type TempContext } from '../../../test/support/temp-context.js';
import { addPapers } from '../../../test/support/trending-papers.js';
import { TrendingService } from '../trending-service.js';
import { trendingDb } from '../trending-tables.js';
import { castVote } from '../votes.js';
import type { HttpClient } from '../../ingest/fetch/http-client.js';
import { GithubAuthError, rateLimitFromHeaders } from './github-api.js';
import { githubPollJob, pollGithubStars } from './poll-github.js';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const at = (minutes: number) => () => new Date(NOW.getTime() + minutes * 60_000);
const RESET = '2026-11-30T01:00:00.000Z';

const fixture = (name: string) => readFileSync(`${FIXTURES_DIR}github/${name}`, 'utf8');
const REPO_JSON = fixture('repos_mac-automl_omniscope.json');
const withStars = (stars: number) => REPO_JSON.replace(/"(stargazers_count|watchers_count|watchers)": 27/g, `"$1": ${stars}`);
const json = (body: string, status = 200, headers: Record<string, string> = {}) => ({
  status,
  body,
  headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
});

let server: FixtureServer | undefined;
let ctx: TempContext | undefined;
/** The database setUp opens: each describe.each(DIALECTS) block sets its own. */
let dialect: TestDialect = DIALECTS[0]!;
afterEach(async () => {
  await ctx?.dispose();
  await server?.close();
  ctx = undefined;
  server = undefined;
});

interface Api {
  stars: Record<string, number>;
  remaining: number;
  /** Repositories answering something else than 200. */
  special: Record<string, ReturnType<typeof json>>;
}

const REPOS = ['acme/alpha', 'acme/beta', 'acme/gone', 'mac-automl/omniscope'];

async function setUp(env: Record<string, string> = { GITHUB_TOKEN: 'ghp_testtoken' }): Promise<Api> {
  const api: Api = { stars: {}, remaining: 4988, special: {} };
  const rateLimit = () => json(fixture('rate_limit.json').replace(/"remaining": 4988/g, `"remaining": ${api.remaining}`));
  server = await startFixtureServer([
    { path: '/rate_limit', respond: rateLimit },
    ...REPOS.map((repo) => ({ path: `/repos/${repo}`, respond: () => api.special[repo] ?? json(withStars(api.stars[repo] ?? 27)) })),
  ]);
  ctx = await createDialectContext(dialect, { GITHUB_API_URL: server.url, ...env });
  return api;
}

const repoRequests = () => (server?.requests ?? []).filter((r: RecordedRequest) => r.path.startsWith('/repos/')).map((r) => r.path.slice(7));
const poll = (now: () => Date, extra: Parameters<typeof pollGithubStars>[1] = {}) => pollGithubStars(ctx!, { now, ...extra });
const snapshots = () => trendingDb(ctx!.database.db).selectFrom('repo_star_snapshots').selectAll().orderBy('observed_at').execute();

describe.each(DIALECTS)('pollGithubStars on $name', (each) => {
  beforeEach(() => {
    dialect = each;
  });

  it('snapshots star counts when they change, and trending scores the growth', async () => {
    const api = await setUp();
    const [seq] = await addPapers(ctx!.database.db, [
      { id: '2611.00001', codeUrls: ['https://github.com/mac-automl/omniscope', 'https://gitlab.com/acme/mirror', 'https://huggingface.co/acme/model'] },
    ]);
    api.stars['mac-automl/omniscope'] = 27;
    expect(await poll(at(-200))).toMatchObject({ candidates: 1, polled: 1, changed: 1, unchanged: 0, gone: 0 });
    const request = server!.requests.find((r) => r.path === '/repos/mac-automl/omniscope')!;
    expect(request.headers.authorization).toBe('Bearer ghp_testtoken');
    expect(request.headers.accept).toBe('application/vnd.github+json');
    expect(request.headers['user-agent']).toMatch(/^Paperboy\//);
    expect(await poll(at(-130))).toMatchObject({ polled: 1, changed: 0, unchanged: 1 }); // same count: no new snapshot
    api.stars['mac-automl/omniscope'] = 57;
    expect(await poll(at(0))).toMatchObject({ polled: 1, changed: 1 });
    expect((await snapshots()).map((s) => [s.repo, s.stars])).toEqual([['mac-automl/omniscope', 27], ['mac-automl/omniscope', 57]]);

    const page = await new TrendingService(ctx!.database.db, { now: () => NOW }).ranking({ window: 'day', limit: 5, offset: 0 });
    expect(page.entries.map((e) => [e.seq, e.components.githubStars, e.explanation])).toEqual([[seq, 30, '+30 GitHub stars in 24 h']]);
    // 30 stars × 0.02, happening now, for a paper 9.5 days old.
    expect(page.entries[0]!.score).toBeCloseTo(0.6 / (1 + 9.5 / 180), 12);

    const before = repoRequests().length;
    expect(await poll(at(5))).toMatchObject({ candidates: 1, polled: 0 }); // checked minutes ago
    expect(repoRequests()).toHaveLength(before);
  });

  it('polls recent papers and recently active old ones, least recently checked first', async () => {
    await setUp();
    const db = ctx!.database.db;
    const [, old] = await addPapers(db, [
      { id: '2611.00002', codeUrls: ['https://github.com/acme/beta'] },
      { id: '1706.03762', publishedAt: '2017-06-12T00:00:00Z', codeUrls: ['https://github.com/acme/alpha'] },
      { id: '1512.03385', publishedAt: '2015-12-10T00:00:00Z', codeUrls: ['https://github.com/acme/gone'] },
    ]);
    expect(await poll(at(-120))).toMatchObject({ candidates: 1, polled: 1 });
    await castVote(db, 1, old!, at(-100)());
    await poll(at(0));
    expect(repoRequests()).toEqual(['acme/beta', 'acme/alpha', 'acme/beta']); // never-checked alpha before beta
  });

  it('marks a 404 repository gone and asks again only after a week', async () => {
    const api = await setUp();
    api.special['acme/gone'] = json(fixture('not_found.json'), 404);
    await addPapers(ctx!.database.db, [{ id: '2611.00003', codeUrls: ['https://github.com/acme/gone'] }]);
    const logs: string[] = [];
    expect(await poll(at(0), { log: (m) => logs.push(m) })).toMatchObject({ polled: 1, gone: 1, changed: 0 });
    expect(logs.join('\n')).toMatch(/acme\/gone is gone \(HTTP 404\)/);
    const state = await trendingDb(ctx!.database.db).selectFrom('github_repo_state').selectAll().execute();
    expect(state).toEqual([{ repo: 'acme/gone', checked_at: NOW.toISOString(), status: 'gone' }]);
    expect(await poll(at(3 * 60))).toMatchObject({ polled: 0 });
    expect(await poll(at(8 * 24 * 60))).toMatchObject({ polled: 1, gone: 1 });
    expect(await snapshots()).toEqual([]);
  });

  it('keeps a reserve of the rate limit and stops when it is reached', async () => {
    const api = await setUp();
    await addPapers(ctx!.database.db, [
      { id: '2611.00004', codeUrls: ['https://github.com/acme/alpha', 'https://github.com/acme/beta', 'https://github.com/mac-automl/omniscope'] },
    ]);
    api.remaining = 102;
    const report = await poll(at(0), { reserve: 100 });
    expect(report).toMatchObject({ candidates: 3, polled: 2 });
    expect(report.stoppedBy).toBe(`GitHub rate limit reached (100 left); resets at ${RESET}`);
    expect(repoRequests()).toEqual(['acme/alpha', 'acme/beta']);
    api.remaining = 0;
    const exhausted = await poll(at(1), { reserve: 0 });
    expect(exhausted).toMatchObject({ polled: 0, rateLimit: { remaining: 0, resetAt: new Date(RESET) } });
    expect(exhausted.stoppedBy).toMatch(/rate limit reached/);
    expect(repoRequests()).toHaveLength(2);
  });

  it('stops at a rate-limit answer without retrying it, and leaves that repository first in line', async () => {
    const api = await setUp();
    api.special['acme/alpha'] = json(fixture('rate_limit_exceeded.json'), 403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1796000400' });
    await addPapers(ctx!.database.db, [{ id: '2611.00005', codeUrls: ['https://github.com/acme/alpha', 'https://github.com/acme/beta'] }]);
    const report = await poll(at(0));
    expect(report.stoppedBy).toMatch(/^GitHub rate limit: API rate limit exceeded for user ID 74012035/);
    expect(repoRequests()).toEqual(['acme/alpha']);
    delete api.special['acme/alpha'];
    await poll(at(1));
    expect(repoRequests()).toEqual(['acme/alpha', 'acme/alpha', 'acme/beta']);
  });

  it('stops with the URL named when a 200 is not GitHub\'s JSON', async () => {
    const api = await setUp();
    api.special['acme/alpha'] = { status: 200, body: '<html>Sign in to the hotel Wi-Fi</html>', headers: { 'Content-Type': 'text/html' } };
    await addPapers(ctx!.database.db, [{ id: '2611.00008', codeUrls: ['https://github.com/acme/alpha'] }]);
    await expect(poll(at(0))).rejects.toThrow(/GET http:\/\/127\.0\.0\.1:\d+\/repos\/acme\/alpha: the answer is not the GitHub API JSON expected \(text\/html\)/);
  });

  it('follows x-ratelimit headers when the HTTP client passes them through', async () => {
    await setUp();
    await addPapers(ctx!.database.db, [
      { id: '2611.00009', codeUrls: ['https://github.com/acme/alpha', 'https://github.com/acme/beta', 'https://github.com/mac-automl/omniscope'] },
    ]);
    // The project's client returns no headers today; this stands for one that does.
    let left = 102;
    const http: HttpClient = {
      fetchText: async (url, options) => ({ ...(await ctx!.http.fetchText(url, options)), headers: new Headers({ 'x-ratelimit-remaining': String(left--), 'x-ratelimit-reset': '1796000400' }) }),
      fetchStream: (url, options) => ctx!.http.fetchStream(url, options),
    };
    const report = await pollGithubStars({ ...ctx!, http }, { now: at(0), reserve: 100 });
    // /rate_limit's body says 4988, but the repository answers say 101, then 100 left: one more request, then stop.
    expect(report).toMatchObject({ polled: 2, rateLimit: { remaining: 100, resetAt: new Date(RESET) } });
    expect(report.stoppedBy).toBe(`GitHub rate limit reached (100 left); resets at ${RESET}`);
    expect(repoRequests()).toEqual(['acme/alpha', 'acme/beta']);
  });

  it('fails clearly on a rejected token', async () => {
    const api = await setUp({ GITHUB_TOKEN: 'ghp_revoked' });
    api.special['acme/alpha'] = json(fixture('bad_credentials.json'), 401);
    await addPapers(ctx!.database.db, [{ id: '2611.00006', codeUrls: ['https://github.com/acme/alpha'] }]);
    await expect(poll(at(0))).rejects.toThrow(GithubAuthError);
    await expect(poll(at(0))).rejects.toThrow(/GitHub rejected GITHUB_TOKEN \(401 Bad credentials\)/);
  });
});

describe('rateLimitFromHeaders', () => {
  const doc = { url: 'u', status: 200, contentType: 'application/json', body: '{}', headers: new Headers() };
  it('reads remaining, limit and reset when headers are there, and nothing otherwise', () => {
    const headers = new Headers({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '17', 'x-ratelimit-reset': '1796000400' });
    expect(rateLimitFromHeaders({ ...doc, headers })).toEqual({ limit: 5000, remaining: 17, resetAt: new Date(RESET) });
    expect(rateLimitFromHeaders(doc)).toBeNull();
    expect(rateLimitFromHeaders({ ...doc, headers: new Headers({ 'x-ratelimit-remaining': 'soon' }) })).toBeNull();
  });
});

describe('githubPollJob', () => {
  it('is scheduled only with a token, and tells its caller when counts changed', async () => {
    await setUp({});
    expect(githubPollJob(ctx!)).toBeNull();
    await ctx!.dispose();
    ctx = await createTempContext({ GITHUB_API_URL: server!.url, GITHUB_TOKEN: 'ghp_testtoken', GITHUB_POLL_SCHEDULE: '7 * * * *' });
    await addPapers(ctx.database.db, [{ id: '2611.00007', publishedAt: new Date().toISOString(), codeUrls: ['https://github.com/acme/beta'] }]);
    const logs: string[] = [];
    let polled = 0;
    const job = githubPollJob({ ...ctx, log: (m) => logs.push(m) }, () => polled++)!;
    expect(job).toMatchObject({ name: 'github-stars', schedule: '7 * * * *' });
    await job.run();
    expect(polled).toBe(1);
    expect(logs).toEqual([expect.stringMatching(/^github-stars: 1 of 1 repositories polled, 1 changed, 0 unchanged, 0 gone; rate limit 4987 left/)]);
  });
});
