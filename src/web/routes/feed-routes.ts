/**
 * Feeds for every list: trending per window, newest papers, and any search
 * (`/feeds/trending.atom?window=week`, `/feeds/newest.rss`,
 * `/feeds/search.rss?q=…`), each in RSS and Atom. Cached for a minute: feed
 * readers poll.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { findPaperById, listNewestPapers } from '../../catalogue/paper-store.js';
import { parseQuery } from '../../search/query/search-query.js';
import { TRENDING_WINDOWS } from '../../trending/trending-provider.js';
import type { WebContext } from '../app.js';
import { FEED_TYPES, renderFeed, type FeedFormat, type FeedSpec } from '../feeds/paper-feed.js';
import { WINDOW_LABELS, trendingHref } from '../pages/home-page.js';
import { searchHref } from '../pages/search-page.js';
import { sendErrorPage } from './page-routes.js';

export const FEED_SIZE = 50;

const TrendingFeedQuery = z.object({ window: z.enum(TRENDING_WINDOWS).default('week') });
const SearchFeedQuery = z.object({ q: z.string().trim().min(1).max(2000) });

async function trendingSpec(web: WebContext, window: (typeof TRENDING_WINDOWS)[number], format: FeedFormat): Promise<FeedSpec> {
  const ranking = await web.trending.ranking({ window, limit: FEED_SIZE, offset: 0 });
  return {
    title: ranking.fallback === 'newest' ? 'Paperboy — newest papers (no trending activity yet)' : `Paperboy — trending papers, ${WINDOW_LABELS[window].toLowerCase()}`,
    description: 'Research papers ranked by upvotes, views and GitHub stars.',
    selfPath: `/feeds/trending.${format}?window=${window}`,
    pagePath: trendingHref(window),
    items: ranking.entries.map((e) => ({ paper: e.paper, summary: e.explanation || undefined })),
  };
}

async function newestSpec(web: WebContext, format: FeedFormat): Promise<FeedSpec> {
  const papers = await listNewestPapers(web.database.db, FEED_SIZE, 0);
  return { title: 'Paperboy — newest papers', description: 'The newest papers in the catalogue.', selfPath: `/feeds/newest.${format}`, pagePath: '/', items: papers.map((paper) => ({ paper })) };
}

/** A saved search as a feed: newest matches first unless the query chooses its own order. */
async function searchSpec(web: WebContext, q: string, format: FeedFormat): Promise<FeedSpec> {
  const ordered = parseQuery(q).sort ? q : `${q} sort:newest`;
  const response = await web.search.search({ q: ordered, limit: FEED_SIZE, offset: 0 });
  // Results carry snippets, not abstracts: the feed shows whole abstracts, like the other feeds.
  const found = await Promise.all(response.results.map((r) => findPaperById(web.database.db, r.id)));
  const bySeq = new Map(found.flatMap((f) => (f ? [[f.seq, f.paper] as const] : [])));
  return {
    title: `Paperboy — search: ${q}`,
    description: `Papers matching “${q}”, newest first.`,
    selfPath: `/feeds/search.${format}?q=${encodeURIComponent(q)}`,
    pagePath: searchHref(q),
    items: [...bySeq.values()].map((paper) => ({ paper })),
  };
}

function sendFeed(reply: FastifyReply, format: FeedFormat, xml: string): FastifyReply {
  return reply.type(FEED_TYPES[format]).header('cache-control', 'public, max-age=300').send(xml);
}

export function registerFeedRoutes(app: FastifyInstance, web: WebContext): void {
  for (const format of ['rss', 'atom'] as const) {
    app.get(`/feeds/trending.${format}`, async (request, reply) => {
      const parsed = TrendingFeedQuery.safeParse(request.query);
      if (!parsed.success) return sendErrorPage(web, request, reply, 400, 'Unknown window: use day, week, month or all.');
      const key = `trending|${parsed.data.window}|${format}`;
      return sendFeed(reply, format, await web.caches.feeds.get(key, async () => renderFeed(web.config.publicUrl, await trendingSpec(web, parsed.data.window, format), format)));
    });

    app.get(`/feeds/newest.${format}`, async (_request, reply) => {
      return sendFeed(reply, format, await web.caches.feeds.get(`newest|${format}`, async () => renderFeed(web.config.publicUrl, await newestSpec(web, format), format)));
    });

    app.get(`/feeds/search.${format}`, async (request, reply) => {
      const parsed = SearchFeedQuery.safeParse(request.query);
      if (!parsed.success) return sendErrorPage(web, request, reply, 400, 'A search feed needs a query: /feeds/search.rss?q=your+words');
      const key = `search|${format}|${parsed.data.q}`;
      return sendFeed(reply, format, await web.caches.feeds.get(key, async () => renderFeed(web.config.publicUrl, await searchSpec(web, parsed.data.q, format), format)));
    });
  }
}
