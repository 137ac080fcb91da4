/**
 * Term extraction for the semantic model: exactly `contentTerms` of
 * search/text/tokenize.ts (stop-worded Porter stems), memoised per token.
 * Porter stemming dominates the cost of embedding a paper; a corpus has far
 * fewer distinct tokens than tokens, so a cache makes projecting a million
 * papers several times faster.
 */
import { STOPWORDS, stem, tokenize } from '../text/tokenize.js';

/** Title words count this many times: a title is a dense summary of the topic. */
export const TITLE_WEIGHT = 2;

// Number-like tokens and typos make the token set grow without bound over a
// big catalogue; past this many entries the cache starts afresh.
const MAX_CACHED_TOKENS = 300_000;
const STOP = '';

export class TermExtractor {
  private cache = new Map<string, string>();

  /** The content terms of `text`, in order (same result as `contentTerms`). */
  terms(text: string): string[] {
    const out: string[] = [];
    for (const token of tokenize(text)) {
      const term = this.term(token);
      if (term !== STOP) out.push(term);
    }
    return out;
  }

  /** Term counts of a paper, title terms counted `TITLE_WEIGHT` times. */
  paperCounts(title: string, abstract: string | null): Map<string, number> {
    const counts = new Map<string, number>();
    for (const term of this.terms(title)) counts.set(term, (counts.get(term) ?? 0) + TITLE_WEIGHT);
    if (abstract) for (const term of this.terms(abstract)) counts.set(term, (counts.get(term) ?? 0) + 1);
    return counts;
  }

  private term(token: string): string {
    let term = this.cache.get(token);
    if (term === undefined) {
      term = STOPWORDS.has(token) || token.length <= 1 ? STOP : stem(token);
      if (this.cache.size >= MAX_CACHED_TOKENS) this.cache = new Map();
      this.cache.set(token, term);
    }
    return term;
  }
}
