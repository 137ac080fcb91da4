/**
 * Whether a paper's title holds every word of the query. A title is an
 * author's one-line statement of what the paper is about, so a paper whose
 * title has all the query's words is about the query more surely than one
 * that only mentions them in its abstract — BM25 alone cannot tell them apart
 * once the abstract repeats the words often enough to saturate. The keyword
 * engine uses the same evidence to rank huge match sets; hybrid search uses it
 * so that meaning reorders papers within this tier, never across it.
 */
import { stem, STOPWORDS, tokenize } from '../text/tokenize.js';
import type { SearchQuery } from './search-query.js';

/** One set of acceptable stems per query word (the word and its typo/spelling alternatives). */
export type QueryWordStems = ReadonlyArray<ReadonlySet<string>>;

export function queryWordStems(query: SearchQuery, expansions: ReadonlyMap<string, readonly string[]>): QueryWordStems {
  const groups: Array<Set<string>> = [];
  for (const term of query.terms) {
    if (term.negated) continue;
    for (const word of tokenize(term.text)) {
      // Stop words carry no topic; a title need not repeat them.
      if (STOPWORDS.has(word)) continue;
      const alternatives = term.kind === 'word' ? (expansions.get(word) ?? []) : [];
      groups.push(new Set([word, ...alternatives].map(stem)));
    }
  }
  return groups;
}

export function titleHasEveryWord(title: string, words: QueryWordStems): boolean {
  if (words.length === 0) return false;
  const stems = new Set(tokenize(title).map(stem));
  return words.every((alternatives) => [...alternatives].some((s) => stems.has(s)));
}
