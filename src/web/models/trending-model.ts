/** The trending list with what each card shows (votes, stars, the viewer's votes and saves). */
import type { TrendingPage, TrendingWindow } from '../../trending/trending-provider.js';
import type { TrendingPageModel } from '../pages/home-page.js';
import type { WebContext } from '../app.js';
import { cardExtras } from './card-extras.js';

export const TRENDING_PAGE_SIZE = 25;

export async function loadTrending(web: WebContext, window: TrendingWindow, page: number, userId: number | undefined): Promise<TrendingPageModel> {
  const ranking: TrendingPage = await web.trending.ranking({ window, limit: TRENDING_PAGE_SIZE, offset: (page - 1) * TRENDING_PAGE_SIZE });
  const extras = await cardExtras(web.database.db, ranking.entries, userId);
  const cards = ranking.entries.map((e) => ({
    paper: e.paper,
    votes: extras.votes.get(e.seq) ?? 0,
    voted: extras.voted.has(e.seq),
    saved: userId !== undefined ? extras.saved.has(e.seq) : undefined,
    stars: extras.stars.get(e.seq),
    explanation: e.explanation || undefined,
  }));
  return { window, page, pageSize: TRENDING_PAGE_SIZE, total: ranking.total, fallback: ranking.fallback, cards };
}
