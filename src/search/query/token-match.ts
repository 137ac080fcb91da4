/**
 * A compiled match as set algebra over single tokens, when it is one: the
 * AND of the query's words and filter tag groups, each an OR of single
 * tokens (a word and its spelling alternatives, or a group's tags), minus
 * the papers holding any excluded word or tag. Index structures that can
 * only say which papers hold a token (keyword/term-bitmaps.ts) answer such
 * a match exactly. Phrases (positions), author filters (a column of their
 * own) and excluded phrases are not sets of tokens: no TokenMatch then.
 * Built from the same pieces as compileFtsMatch (termAlternatives,
 * planFilters), so it means what the FTS5 expression means.
 */
import { tokenize } from '../text/tokenize.js';
import { termAlternatives, planFilters, type CompileOptions } from './fts-match.js';
import { DEFAULT_MAX_TERMS, type SearchQuery } from './search-query.js';

/** A token of the match: a word in the text columns, or a filter tag. */
export interface MatchToken {
  column: 'text' | 'tags';
  token: string;
}

export interface TokenMatch {
  /** Every conjunct must hold: a paper with any one of its tokens. */
  all: MatchToken[][];
  /** A paper with any of these is excluded. */
  none: MatchToken[];
}

/** The match of an every-word query over the default columns as token sets, or undefined when it is not one. */
export function tokenMatch(query: SearchQuery, opts: CompileOptions): TokenMatch | undefined {
  if (opts.mode !== 'all' || opts.columns !== undefined || !(opts.includeFilters ?? true)) return undefined;
  if (query.filters.authors.length > 0) return undefined;
  const all: MatchToken[][] = [];
  const none: MatchToken[] = [];
  for (const term of query.terms.slice(0, opts.maxTerms ?? DEFAULT_MAX_TERMS)) {
    if (term.negated) {
      // compileFtsMatch excludes the term's tokens as one phrase: a set only when it is one token.
      const tokens = tokenize(term.text);
      if (tokens.length > 1) return undefined;
      if (tokens.length === 1) none.push({ column: 'text', token: tokens[0]! });
      continue;
    }
    const alternatives = termAlternatives(term, opts.expansions);
    if (alternatives.some((tokens) => tokens.length !== 1)) return undefined;
    if (alternatives.length > 0) all.push(alternatives.map(([token]) => ({ column: 'text', token: token! })));
  }
  const plan = planFilters(query, opts);
  for (const group of plan.tagGroups) all.push(group.map((tag) => ({ column: 'tags', token: tag })));
  for (const tag of plan.excludedTags) none.push({ column: 'tags', token: tag });
  return all.length > 0 ? { all, none } : undefined;
}
