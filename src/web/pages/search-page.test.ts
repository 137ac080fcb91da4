/** The search page's pager: a total that is only a lower bound does not end the pages. */
import { describe, expect, it } from 'vitest';
import type { SearchResponse, SearchResultItem } from '../../search/search-service.js';
import { renderSearchBody, SEARCH_PAGE_SIZE } from './search-page.js';

const item = (i: number): SearchResultItem => ({
  id: `2401.${String(i).padStart(5, '0')}`, title: `Paper ${i}`, authors: ['A. Author'], published: '2024-01-01T00:00:00.000Z',
  categories: ['cs.LG'], codeUrls: [], absUrl: null, score: 1, snippet: 'text', matchedBy: ['keyword'],
});

function page(pageNumber: number, response: Partial<SearchResponse>): string {
  const full: SearchResponse = { query: 'q', total: 0, totalIsLowerBound: false, results: [], corrections: {}, warnings: [], mode: 'hybrid', sort: 'relevance', ...response };
  return String(renderSearchBody({ q: 'q', page: pageNumber, response: full, filters: [] } as Parameters<typeof renderSearchBody>[0]));
}

const results = Array.from({ length: SEARCH_PAGE_SIZE }, (_, i) => item(i));

describe('search pager', () => {
  it('offers a next page past a lower-bound total while pages are full', () => {
    const html = page(25, { total: 500, totalIsLowerBound: true, results });
    expect(html).toContain('More than 500 papers');
    expect(html).toContain('rel="next"');
  });

  it('ends at an exact total, at a short page, and at 1,000 results', () => {
    expect(page(25, { total: 500, results })).not.toContain('rel="next"');
    expect(page(26, { total: 500, totalIsLowerBound: true, results: results.slice(0, 3) })).not.toContain('rel="next"');
    expect(page(50, { total: 500, totalIsLowerBound: true, results })).not.toContain('rel="next"');
  });
});
