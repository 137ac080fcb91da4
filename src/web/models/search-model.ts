/** The search page's results and the filters worth offering next to them. */
import { parseQuery } from '../../search/query/search-query.js';
import type { SearchResponse } from '../../search/search-service.js';
import type { WebContext } from '../app.js';
import { SEARCH_PAGE_SIZE, type SearchPageModel } from '../pages/search-page.js';

/** One-click refinements the query does not use yet: code, recent years, newest first, common categories. */
export function suggestFilters(q: string, response: SearchResponse, now = new Date()): SearchPageModel['filters'] {
  const parsed = parseQuery(q);
  const out: SearchPageModel['filters'] = [];
  if (parsed.filters.hasCode === undefined) out.push({ label: 'Has code', q: `${q} has:code` });
  if (parsed.filters.years.length === 0 && !parsed.filters.after && !parsed.filters.before) {
    const year = now.getUTCFullYear();
    out.push({ label: String(year), q: `${q} year:${year}` }, { label: String(year - 1), q: `${q} year:${year - 1}` });
  }
  if (parsed.sort !== 'newest') out.push({ label: 'Newest first', q: `${q} sort:newest` });
  if (parsed.filters.categories.length === 0) {
    const counts = new Map<string, number>();
    for (const r of response.results) if (r.categories[0]) counts.set(r.categories[0], (counts.get(r.categories[0]) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
    for (const [category] of top) out.push({ label: category, q: `${q} cat:${category}` });
  }
  return response.total > 0 ? out : [];
}

export async function loadSearchPage(web: WebContext, q: string, page: number): Promise<SearchPageModel> {
  if (q.trim() === '') return { q, page, filters: [] };
  try {
    // Results are shared for a minute: search itself refreshes new papers about that often.
    const response = await web.caches.search.get(`${page}|${q}`, () => web.search.search({ q, limit: SEARCH_PAGE_SIZE, offset: (page - 1) * SEARCH_PAGE_SIZE }));
    return { q, page, response, filters: suggestFilters(q, response) };
  } catch (error) {
    // The query language never throws; a failure here is the engine's, and the page says so.
    return { q, page, failed: true, error, filters: [] };
  }
}
