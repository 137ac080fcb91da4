/** The trending page (`/`): papers ranked by trending score in a window, with the newest-first fallback. */
import type { TrendingWindow } from '../../trending/trending-provider.js';
import { TRENDING_WINDOWS } from '../../trending/trending-provider.js';
import { html, raw, type SafeHtml } from '../html.js';
import { notice, pager, paperCard, type PaperCardModel, type Viewer } from './components.js';
import { plural } from './format.js';

export const WINDOW_LABELS: Readonly<Record<TrendingWindow, string>> = { day: 'Today', week: 'This week', month: 'This month', all: 'All time' };

export const FALLBACK_NOTICE = 'No activity yet — showing the newest papers';

export interface TrendingPageModel {
  window: TrendingWindow;
  page: number;
  pageSize: number;
  total: number;
  fallback: 'newest' | null;
  cards: PaperCardModel[];
}

export function trendingHref(window: TrendingWindow, page = 1): string {
  return `/?window=${window}${page > 1 ? `&page=${page}` : ''}`;
}

function windowTabs(current: TrendingWindow): SafeHtml {
  return html`<nav aria-label="Time window"><ul class="tabs">${TRENDING_WINDOWS.map(
    (w) => html`<li><a href="${trendingHref(w)}"${w === current ? raw(' aria-current="page"') : ''}>${WINDOW_LABELS[w]}</a></li>`,
  )}</ul></nav>`;
}

export function renderTrendingBody(model: TrendingPageModel, viewer: Viewer): SafeHtml {
  const first = (model.page - 1) * model.pageSize;
  const heading = model.fallback === 'newest' ? 'Newest papers' : 'Trending papers';
  const cards = model.cards.map((card, i) => paperCard({ ...card, rank: model.fallback === 'newest' ? undefined : first + i + 1 }, viewer));
  const list =
    model.cards.length > 0
      ? html`<ol class="cards">${cards}</ol>`
      : notice(model.page > 1 ? html`There are no more papers here. <a href="${trendingHref(model.window)}">Back to the first page</a>.` : 'The catalogue is empty. Papers appear here once they are ingested.');
  return html`<div class="page-head">
<h1>${heading}</h1>
<p>${model.fallback === 'newest' ? `${plural(model.total, 'paper')} in the catalogue` : plural(model.total, 'trending paper')} · <a class="feed-link" href="/feeds/trending.atom?window=${model.window}">Atom feed</a></p>
</div>
${windowTabs(model.window)}
${model.fallback === 'newest' ? notice(FALLBACK_NOTICE) : ''}
${list}
${pager({ page: model.page, pageSize: model.pageSize, total: model.total, hasNext: first + model.cards.length < model.total, href: (p) => trendingHref(model.window, p) })}`;
}
