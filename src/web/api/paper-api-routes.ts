/**
 * `GET /api/trending` and `GET /api/papers/:id`: thin handlers over the
 * trending provider and the catalogue. Ids with a slash (old-style arXiv ids)
 * are sent URL-encoded (`hep-th%2F9901001`); an old id redirects (301) to
 * the paper's current one.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findPaperById } from '../../catalogue/paper-store.js';
import type { Paper } from '../../catalogue/paper.js';
import { TRENDING_WINDOWS } from '../../trending/trending-provider.js';
import { voteCount, voteCounts } from '../../trending/votes.js';
import type { WebContext } from '../app.js';
import { paperPath } from '../pages/format.js';
import { describeZodError, sendApiError } from './api-errors.js';

const TrendingParams = z.object({
  window: z.enum(TRENDING_WINDOWS).default('week'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});
const PaperParams = z.object({ id: z.string().min(1).max(200) });

/** The public JSON shape of a paper (also documented in openapi.ts). */
export function paperJson(publicUrl: string, paper: Paper, upvotes: number) {
  return {
    id: paper.id,
    arxivId: paper.arxivId,
    version: paper.version,
    doi: paper.doi,
    title: paper.title,
    abstract: paper.abstract,
    authors: paper.authors,
    categories: paper.categories,
    published: paper.publishedAt,
    updated: paper.updatedAt,
    journalRef: paper.journalRef,
    comments: paper.comments,
    absUrl: paper.absUrl,
    pdfUrl: paper.pdfUrl,
    codeUrls: paper.codeUrls,
    upvotes,
    url: `${publicUrl}${paperPath(paper.id)}`,
  };
}

export function registerPaperApiRoutes(app: FastifyInstance, web: WebContext): void {
  app.get('/api/trending', async (request, reply) => {
    const parsed = TrendingParams.safeParse(request.query);
    if (!parsed.success) return sendApiError(reply, 400, 'bad_request', describeZodError(parsed.error));
    const { window, limit, offset } = parsed.data;
    const page = await web.trending.ranking({ window, limit, offset });
    const votes = await voteCounts(web.database.db, page.entries.map((e) => e.seq));
    return reply.header('cache-control', 'public, max-age=60').send({
      window,
      total: page.total,
      fallback: page.fallback,
      limit,
      offset,
      results: page.entries.map((e) => ({
        ...paperJson(web.config.publicUrl, e.paper, votes.get(e.seq) ?? 0),
        score: Number(e.score.toFixed(6)),
        components: e.components,
        explanation: e.explanation,
      })),
    });
  });

  app.get('/api/papers/:id', async (request, reply) => {
    const parsed = PaperParams.safeParse(request.params);
    if (!parsed.success) return sendApiError(reply, 400, 'bad_request', describeZodError(parsed.error));
    const stored = await findPaperById(web.database.db, parsed.data.id);
    if (!stored) return sendApiError(reply, 404, 'not_found', `no paper with id "${parsed.data.id}"`);
    if (stored.paper.id !== parsed.data.id) return reply.redirect(`/api/papers/${encodeURIComponent(stored.paper.id)}`, 301);
    return reply.send(paperJson(web.config.publicUrl, stored.paper, await voteCount(web.database.db, stored.seq)));
  });
}
