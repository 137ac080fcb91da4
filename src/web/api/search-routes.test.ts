import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempContext } from '../../../test/support/temp-context.js';
import { createDialectContext, DIALECTS } from '../../../test/dialects.js';
import { DEMO_CORPUS_PATH } from '../../config/paths.js';
import { ingestSource } from '../../ingest/run-ingest.js';
import { openSearch } from '../../search/open-search.js';
import { buildApp } from '../app.js';

describe.each(DIALECTS)('search API on $name', (dialect) => {
  let ctx: TempContext;
  let app: FastifyInstance;
  beforeAll(async () => {
    ctx = await createDialectContext(dialect);
    await ingestSource(ctx.database, DEMO_CORPUS_PATH, { format: 'seed', http: ctx.http, log: () => {} });
    app = await buildApp({ ...ctx, search: await openSearch(ctx.database) });
  });
  afterAll(async () => {
    await app.close();
    await ctx.dispose();
  });

  describe('search API', () => {
    it('GET /api/search returns the documented shape, results in rank order', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/search?q=speculative%20decoding&limit=3' });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ query: 'speculative decoding', total: expect.any(Number), results: expect.any(Array) });
      expect(body.results).toHaveLength(3);
      expect(Object.keys(body.results[0]).sort()).toEqual(['absUrl', 'authors', 'categories', 'codeUrls', 'id', 'matchedBy', 'published', 'score', 'snippet', 'title']);
      const scores = body.results.map((r: { score: number }) => r.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    });

    it('rejects bad parameters with a JSON error', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/search?q=x&limit=1000' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: { code: 'bad_request', message: expect.stringContaining('limit') } });
    });

    it('answers hostile queries with results, not errors', async () => {
      const res = await app.inject({ method: 'GET', url: `/api/search?q=${encodeURIComponent('"NOT (AND * cat: -')}` });
      expect(res.statusCode).toBe(200);
    });

    it('GET /api/papers/:id/similar: 404 for unknown ids, results otherwise', async () => {
      expect((await app.inject({ method: 'GET', url: '/api/papers/nope/similar' })).json()).toEqual({ error: { code: 'not_found', message: 'no paper with id "nope"' } });
      const id = (await app.inject({ method: 'GET', url: '/api/search?q=AWQ&limit=1' })).json().results[0].id;
      const res = await app.inject({ method: 'GET', url: `/api/papers/${id}/similar?limit=5` });
      expect(res.statusCode).toBe(200);
      expect(res.json().results.length).toBeGreaterThan(0);
    });
  });
});
