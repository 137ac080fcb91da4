/**
 * Query filters and exclusions checked against a paper in memory — for
 * results that did not come through the full-text index (semantic hits,
 * similar papers), which must obey the same query.
 */
import type { Paper } from '../catalogue/paper.js';
import { dateBounds } from './query/fts-match.js';
import type { SearchQuery } from './query/search-query.js';
import { foldCase, stem, tokenize } from './text/tokenize.js';

/** What the filters look at: any paper, or a candidate read with only these fields (candidate-store.ts). */
export type FilterablePaper = Pick<Paper, 'title' | 'abstract' | 'authors' | 'categories' | 'publishedAt' | 'codeUrls'>;

function paperStems(paper: FilterablePaper): Set<string> {
  return new Set(tokenize(`${paper.title} ${paper.abstract ?? ''} ${paper.authors.join(' ')}`).map(stem));
}

function mentions(paper: FilterablePaper, stems: Set<string>, text: string, phrase: boolean): boolean {
  if (phrase) return foldCase(`${paper.title} ${paper.abstract ?? ''}`).includes(foldCase(text));
  const words = tokenize(text);
  return words.length > 0 && words.every((w) => stems.has(stem(w)));
}

function inCategories(paper: FilterablePaper, wanted: string[]): boolean {
  if (wanted.length === 0) return true;
  const own = paper.categories.map((c) => c.toLowerCase());
  return wanted.some((w) => {
    const c = w.toLowerCase();
    return c.includes('.') || c.includes('/') ? own.includes(c) : own.some((o) => o === c || o.startsWith(`${c}.`));
  });
}

function byAuthors(paper: FilterablePaper, authors: string[]): boolean {
  const names = foldCase(paper.authors.join(' | '));
  return authors.every((a) => tokenize(a).every((part) => new RegExp(`\\b${part}\\b`).test(names)));
}

export function matchesQueryFilters(paper: FilterablePaper, query: SearchQuery): boolean {
  const { filters } = query;
  if (!inCategories(paper, filters.categories)) return false;
  if (filters.authors.length > 0 && !byAuthors(paper, filters.authors)) return false;
  if (filters.hasCode && paper.codeUrls.length === 0) return false;
  const year = paper.publishedAt ? Number(paper.publishedAt.slice(0, 4)) : undefined;
  if (filters.years.length > 0 && (year === undefined || !filters.years.includes(year))) return false;
  const { after, before } = dateBounds(query);
  if (after && (!paper.publishedAt || paper.publishedAt < after)) return false;
  if (before && (!paper.publishedAt || paper.publishedAt >= before)) return false;
  // Stemming a whole abstract is the costly part: only exclusions need it.
  const exclusions = query.terms.filter((t) => t.negated);
  if (exclusions.length === 0) return true;
  const stems = paperStems(paper);
  return !exclusions.some((t) => mentions(paper, stems, t.text, t.kind === 'phrase'));
}
