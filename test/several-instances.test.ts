/**
 * Two app instances on one PostgreSQL database (two connections, two
 * Fastify apps, as two `npm start` behind a load balancer) agree on what
 * the issue says they must: rate limits are counted once for both — above
 * all on requests that send mail — and a vote cast through one instance is
 * in the other's next trending ranking. The counters' SQL is also checked
 * on SQLite, where one process uses them.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connection.js';
import { openSearch } from '../src/search/open-search.js';
import { countHit, peekHits, pruneEndedWindows } from '../src/security/rate-limit-counters.js';
import { TrendingService } from '../src/trending/trending-service.js';
import { buildApp, type AppDeps } from '../src/web/app.js';
import { createDialectContext, DIALECTS } from './dialects.js';
import { Browser, createSite, outboxMails, signIn } from './e2e/web-helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(DIALECTS)('rate-limit counters on $name', (dialect) => {
  it('count hits per key within a window, restart after it, and prune ended windows', async () => {
    const ctx = await createDialectContext(dialect);
    cleanups.push(() => ctx.dispose());
    const db = ctx.database.db;
    const t0 = 1_700_000_000_000;
    expect(await countHit(db, 'a', 1000, t0)).toEqual({ hits: 1, windowEndsAt: t0 + 1000 });
    expect(await countHit(db, 'a', 1000, t0 + 10)).toEqual({ hits: 2, windowEndsAt: t0 + 1000 });
    expect(await countHit(db, 'b', 1000, t0 + 10)).toEqual({ hits: 1, windowEndsAt: t0 + 1010 });
    expect(await peekHits(db, 'a', t0 + 20)).toEqual({ hits: 2, windowEndsAt: t0 + 1000 });
    // The window has ended: counting starts again, in a new window.
    expect(await countHit(db, 'a', 1000, t0 + 1000)).toEqual({ hits: 1, windowEndsAt: t0 + 2000 });
    expect(await pruneEndedWindows(db, t0 + 1500)).toBe(1);
    expect(await peekHits(db, 'b', t0 + 1500)).toEqual({ hits: 0, windowEndsAt: t0 + 1500 });
  });
});

const postgres = DIALECTS.find((d) => d.name === 'postgres');

describe.runIf(postgres)('two instances on one PostgreSQL database', () => {
  /** Instance A with the demo corpus, and instance B: its own connection, search and app over the same database. */
  async function twoInstances(deps: Partial<AppDeps>): Promise<{ a: FastifyInstance; b: FastifyInstance; dir: string }> {
    const site = await createSite({}, deps, postgres);
    cleanups.push(() => site.close());
    const database = await openDatabase(site.ctx.dbPath);
    cleanups.push(() => database.close());
    const b = await buildApp({ ...site.ctx, database, search: await openSearch(database), trending: new TrendingService(database.db), ...deps });
    cleanups.push(() => b.close());
    return { a: site.app, b, dir: site.ctx.dir };
  }

  it('count API requests once for both instances', async () => {
    const { a, b } = await twoInstances({ rateLimits: { apiPerMinute: 3 } });
    const statuses: number[] = [];
    for (const app of [a, b, a, b, a]) statuses.push((await app.inject({ url: '/api/trending?limit=1' })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('count sign-in mails per address once for both instances', async () => {
    const { a, b, dir } = await twoInstances({ rateLimits: { signInPerAddress: 2, signInPerIp: 1000 } });
    const statuses: number[] = [];
    for (const [i, app] of [a, b, a, b].entries()) {
      const browser = new Browser(app);
      const csrf = await browser.csrfToken();
      statuses.push((await browser.post('/sign-in', { _csrf: csrf, email: 'flood@example.org' }, { 'x-forwarded-for': `10.0.0.${i}` })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect((await outboxMails(dir)).filter((m) => m.to.includes('flood@'))).toHaveLength(2);
  });

  it('count subscribe requests per IP once for both instances', async () => {
    const { a, b } = await twoInstances({ rateLimits: { apiPerMinute: 1000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const app = i % 2 === 0 ? a : b;
      const res = await app.inject({ method: 'POST', url: '/api/subscriptions', payload: { email: `reader${i}@example.org` } });
      statuses.push(res.statusCode);
    }
    // Ten per IP in all (subscription-routes.ts), not ten per instance.
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('show a vote cast through one instance in the other’s next trending ranking', async () => {
    const { a, b, dir } = await twoInstances({ rateLimits: { actionsPerMinute: 100, signInPerAddress: 100, signInPerIp: 100 } });
    const topId = async (app: FastifyInstance) => (await app.inject({ url: '/api/trending?window=week&limit=1' })).json().results[0]?.id as string | undefined;
    // B computes and caches its ranking before the vote.
    const before = await topId(b);
    const reader = new Browser(a);
    await signIn(reader, dir, 'voter@example.org');
    const page = await reader.get('/');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const listed = (await a.inject({ url: '/api/trending?window=week&limit=20' })).json().results.map((p: { id: string }) => p.id) as string[];
    const target = listed[listed.length - 1]!;
    expect(target).not.toBe(before);
    const voted = await reader.post(`/papers/${target}/vote`, { _csrf: csrf, vote: '1' });
    expect(voted.statusCode).toBe(303);
    expect(await topId(b)).toBe(target);
  });
});
