/** Feeds (parsed by a real feed parser), the JSON API, its OpenAPI document, CORS and API rate limits. */
import type { FastifyInstance } from 'fastify';
import Parser from 'rss-parser';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite, type SiteFixture } from '../../test/e2e/web-helpers.js';
import { DIALECTS } from '../../test/dialects.js';
import { addAlias, findPaperById } from '../catalogue/paper-store.js';
import { ingestSource } from '../ingest/run-ingest.js';

const HOSTILE_TITLE = 'Bad ]]> <script>alert(1)</script> & "quotes" \u0007 title about attention';

describe.each(DIALECTS)('feeds and API on $name', (dialect) => {
  let site: SiteFixture;
  let app: FastifyInstance;
  const parser = new Parser();

  /** Full paths of every route, rebuilt from Fastify's route tree (children are indented under their prefix). */
  function routePaths(instance: FastifyInstance): string[] {
    const stack: string[] = [];
    const out = new Set<string>();
    for (const line of instance.printRoutes({ commonPrefix: false }).split('\n')) {
      const match = /^([│ ]*)[├└]── (\S+)/.exec(line);
      if (!match) continue;
      const depth = match[1]!.length / 4;
      stack.length = depth;
      stack.push(match[2]!);
      out.add(stack.join(''));
    }
    return [...out];
  }

  beforeAll(async () => {
    site = await createSite({ PUBLIC_URL: 'https://papers.example.org' }, { rateLimits: { apiPerMinute: 1000 } }, dialect);
    app = site.app;
    const file = join(site.ctx.dir, 'hostile.jsonl');
    const line = { id: '2611.00002', submitter: 'x', authors: 'A. Person', title: HOSTILE_TITLE, comments: null, 'journal-ref': null, doi: null, 'report-no': null, categories: 'cs.LG', license: null, abstract: 'An abstract with <b>tags</b> and ]]> inside.', versions: [{ version: 'v1', created: 'Mon, 24 Nov 2026 10:00:00 GMT' }], update_date: '2026-11-24' };
    writeFileSync(file, `${JSON.stringify(line)}\n`);
    await ingestSource(site.ctx.database, file, { format: 'kaggle', http: site.ctx.http, log: () => {} });
    await addAlias(site.ctx.database.db, 'pb-aaaaaaaaaaaa', (await findPaperById(site.ctx.database.db, '2611.00002'))!.seq);
  });
  afterAll(() => site.close());

  describe('feeds', () => {
    it('trending per window, as Atom and RSS', async () => {
      for (const url of ['/feeds/trending.atom?window=day', '/feeds/trending.rss?window=all', '/feeds/trending.atom']) {
        const res = await app.inject({ url });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(url.includes('.atom') ? /application\/atom\+xml/ : /application\/rss\+xml/);
        const feed = await parser.parseString(res.body);
        expect(feed.items).toHaveLength(50);
        expect(feed.items[0]!.link).toMatch(/^https:\/\/papers\.example\.org\/papers\//);
      }
      expect((await app.inject({ url: '/feeds/trending.atom?window=year' })).statusCode).toBe(400);
    });

    it('newest papers, with hostile text carried intact and inert', async () => {
      for (const format of ['rss', 'atom']) {
        const res = await app.inject({ url: `/feeds/newest.${format}` });
        const feed = await parser.parseString(res.body);
        const item = feed.items.find((i) => i.link?.endsWith('/papers/2611.00002'));
        expect(item?.title).toBe(HOSTILE_TITLE.replace('\u0007', ''));
        // Readers render descriptions as HTML: the abstract's markup arrives as text.
        expect(item?.content ?? item?.summary).toContain('&lt;b&gt;tags&lt;/b&gt;');
      }
    });

    it('any search, newest first', async () => {
      const res = await app.inject({ url: `/feeds/search.rss?q=${encodeURIComponent('speculative decoding')}` });
      const feed = await parser.parseString(res.body);
      expect(feed.items.length).toBeGreaterThan(0);
      expect(feed.title).toContain('speculative decoding');
      const atom = await parser.parseString((await app.inject({ url: '/feeds/search.atom?q=attention' })).body);
      expect(atom.items.length).toBeGreaterThan(0);
      expect((await app.inject({ url: '/feeds/search.rss' })).statusCode).toBe(400);
    });

    it('are linked from the pages they mirror', async () => {
      const search = await app.inject({ url: '/search?q=attention' });
      expect(search.body).toContain('<link rel="alternate" type="application/rss+xml" title="Search: attention" href="/feeds/search.rss?q=attention">');
    });
  });

  describe('JSON API', () => {
    it('GET /api/trending', async () => {
      const res = await app.inject({ url: '/api/trending?window=day&limit=3&offset=3' });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ window: 'day', fallback: 'newest', limit: 3, offset: 3, total: expect.any(Number) });
      expect(body.results).toHaveLength(3);
      expect(body.results[0]).toMatchObject({ id: expect.any(String), title: expect.any(String), upvotes: 0, url: expect.stringMatching(/^https:\/\/papers\.example\.org\/papers\//) });
      expect((await app.inject({ url: '/api/trending?window=year' })).json()).toEqual({ error: { code: 'bad_request', message: expect.stringContaining('window') } });
    });

    it('GET /api/papers/:id, with 301 for old ids and JSON 404s', async () => {
      const res = await app.inject({ url: '/api/papers/2611.00002' });
      expect(res.json()).toMatchObject({ id: '2611.00002', title: HOSTILE_TITLE, upvotes: 0, categories: ['cs.LG'] });
      const moved = await app.inject({ url: '/api/papers/pb-aaaaaaaaaaaa' });
      expect(moved.statusCode).toBe(301);
      expect(moved.headers.location).toBe('/api/papers/2611.00002');
      expect((await app.inject({ url: '/api/papers/nope' })).json()).toEqual({ error: { code: 'not_found', message: 'no paper with id "nope"' } });
      expect((await app.inject({ url: '/api/nothing-here' })).json().error.code).toBe('not_found');
    });

    it('allows cross-origin reads', async () => {
      const res = await app.inject({ url: '/api/trending?limit=1', headers: { origin: 'https://elsewhere.example' } });
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
      const preflight = await app.inject({ method: 'OPTIONS', url: '/api/search?q=x', headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'GET' } });
      expect(preflight.statusCode).toBe(204);
      expect(String(preflight.headers['access-control-allow-methods'])).toContain('GET');
      // Pages are not for other origins' scripts.
      expect((await app.inject({ url: '/', headers: { origin: 'https://elsewhere.example' } })).headers['access-control-allow-origin']).toBeUndefined();
    });

    it('documents every /api route in a valid OpenAPI 3.1 document', async () => {
      const res = await app.inject({ url: '/api/openapi.json' });
      const doc = JSON.parse(res.body);
      expect(doc.openapi).toBe('3.1.0');
      const documented = Object.keys(doc.paths).map((p: string) => p.replace(/\{(\w+)\}/g, ':$1')).sort();
      const registered = routePaths(app).filter((p) => p.startsWith('/api/')).sort();
      expect(registered.length).toBeGreaterThanOrEqual(5);
      expect(documented).toEqual(registered);
      // Every $ref resolves.
      for (const ref of res.body.match(/"#\/components\/schemas\/(\w+)"/g) ?? []) expect(doc.components.schemas[ref.slice(22, -1)]).toBeDefined();
    });

    it('rate-limits API clients with a JSON error', async () => {
      const small = await createSite({}, { rateLimits: { apiPerMinute: 3 } });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) statuses.push((await small.app.inject({ url: '/api/trending?limit=1' })).statusCode);
        const limited = await small.app.inject({ url: '/api/trending?limit=1' });
        expect([...statuses, limited.statusCode]).toEqual([200, 200, 200, 429]);
        expect(limited.json().error.code).toBe('rate_limited');
        expect(limited.headers['retry-after']).toBeDefined();
      } finally {
        await small.close();
      }
    });
  });
});
