/** The public pages: trending (`/`), a paper (`/papers/:id`), search, and the helpful 404. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { TRENDING_WINDOWS } from '../../trending/trending-provider.js';
import type { WebContext } from '../app.js';
import { raw } from '../html.js';
import { findPaperById } from '../../catalogue/paper-store.js';
import { loadPaperPage, similarTo } from '../models/paper-model.js';
import { loadSearchPage } from '../models/search-model.js';
import { loadTrending } from '../models/trending-model.js';
import { pageContext, sendPage } from '../page-reply.js';
import { renderErrorBody, renderNotFoundBody } from '../pages/error-pages.js';
import { paperPath } from '../pages/format.js';
import { renderTrendingBody, trendingHref, WINDOW_LABELS } from '../pages/home-page.js';
import { renderPaperBody, renderSimilarBody, similarList, similarPath } from '../pages/paper-page.js';
import { renderSearchBody } from '../pages/search-page.js';

const TrendingQuery = z.object({
  window: z.enum(TRENDING_WINDOWS).default('week'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
const SearchQuery = z.object({
  q: z.string().max(2000).default(''),
  // Search ranks at most 1,000 candidates: 50 pages of 20.
  page: z.coerce.number().int().min(1).max(50).default(1),
});
const PaperIdParam = z.string().min(1).max(200);

export async function sendNotFoundPage(web: WebContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = await pageContext(web, request, reply);
  return sendPage(reply, ctx, renderNotFoundBody(request.url.split('?')[0] ?? '/'), { title: 'Not found', status: 404 });
}

export async function sendErrorPage(web: WebContext, request: FastifyRequest, reply: FastifyReply, status: number, message: string): Promise<FastifyReply> {
  const ctx = await pageContext(web, request, reply);
  return sendPage(reply, ctx, renderErrorBody(status, message), { title: status === 429 ? 'Too many requests' : 'Error', status });
}

export function trendingFeeds(window: string) {
  return [
    { title: `Trending papers (${window})`, href: `/feeds/trending.atom?window=${window}`, type: 'application/atom+xml' as const },
    { title: 'Newest papers', href: '/feeds/newest.rss', type: 'application/rss+xml' as const },
  ];
}

export function registerPageRoutes(app: FastifyInstance, web: WebContext): void {
  app.get('/', async (request, reply) => {
    const parsed = TrendingQuery.safeParse(request.query);
    if (!parsed.success) return sendErrorPage(web, request, reply, 400, 'That page of the trending list does not exist.');
    const { window, page } = parsed.data;
    const ctx = await pageContext(web, request, reply, trendingHref(window, page));
    // Visitors all see the same list: its rendering is shared for a few seconds.
    const body = ctx.user
      ? renderTrendingBody(await loadTrending(web, window, page, ctx.user.id), ctx.viewer)
      : raw(await web.caches.trendingHtml.get(`${window}|${page}`, async () => renderTrendingBody(await loadTrending(web, window, page, undefined), ctx.viewer).value));
    return sendPage(reply, ctx, body, {
      title: `Trending papers — ${WINDOW_LABELS[window]}`,
      active: 'trending',
      feeds: trendingFeeds(window),
      description: 'Research papers ranked by what readers upvote, view and star right now.',
    });
  });

  app.get('/papers/*', async (request, reply) => {
    const id = PaperIdParam.safeParse((request.params as { '*': string })['*'].replace(/\/+$/, ''));
    if (!id.success) return sendNotFoundPage(web, request, reply);
    const ctx = await pageContext(web, request, reply);
    const visitor = { ip: request.ip, userAgent: request.headers['user-agent'], userId: ctx.user?.id };
    const found = await loadPaperPage(web, id.data, visitor);
    if (found.kind === 'missing') return sendNotFoundPage(web, request, reply);
    if (found.kind === 'moved') return reply.redirect(paperPath(found.id), 301);
    return sendPage(reply, ctx, renderPaperBody(found.model, ctx.viewer), {
      title: found.model.paper.title,
      description: (found.model.paper.abstract ?? '').slice(0, 300),
      feeds: trendingFeeds('week'),
    });
  });

  app.get('/similar/*', async (request, reply) => {
    const id = PaperIdParam.safeParse((request.params as { '*': string })['*'].replace(/\/+$/, ''));
    const stored = id.success ? await findPaperById(web.database.db, id.data) : undefined;
    if (!stored) return sendNotFoundPage(web, request, reply);
    if (stored.paper.id !== id.data) return reply.redirect(similarPath(stored.paper.id), 301);
    const similar = await similarTo(web, stored.paper.id);
    // The paper page's script asks for the bare list to put in place.
    if ((request.query as Record<string, unknown>).partial === '1') return reply.type('text/html; charset=utf-8').header('cache-control', 'public, max-age=600').send(similarList(similar).value);
    const ctx = await pageContext(web, request, reply);
    return sendPage(reply, ctx, renderSimilarBody(stored.paper, similar), { title: `Similar to ${stored.paper.title}` });
  });

  app.get('/search', async (request, reply) => {
    const parsed = SearchQuery.safeParse(request.query);
    if (!parsed.success) return sendErrorPage(web, request, reply, 400, 'That search is too long, or the page number is out of range.');
    const { q, page } = parsed.data;
    const [ctx, model] = await Promise.all([pageContext(web, request, reply), loadSearchPage(web, q, page)]);
    if (model.error) request.log.error(model.error);
    const feeds = q ? [{ title: `Search: ${q}`, href: `/feeds/search.rss?q=${encodeURIComponent(q)}`, type: 'application/rss+xml' as const }] : [];
    return sendPage(reply, ctx, renderSearchBody(model), { title: q ? `Search: ${q}` : 'Search', active: 'search', searchQuery: q, feeds, status: model.failed ? 500 : 200 });
  });
}
