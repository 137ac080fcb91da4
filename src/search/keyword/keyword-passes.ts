/**
 * How a keyword query is answered, whatever the index (SQLite FTS5 or
 * PostgreSQL tsvector): the index finds papers; we rank them. An index's
 * own ranking (FTS5's bm25(), PostgreSQL's ts_rank_cd) would cost time
 * proportional to the posting lists of the query's words on every query —
 * tens of milliseconds for a common word in a million papers, the trap
 * bench/search.ts measures against. So:
 * - filters are index tokens inside the match, never SQL post-filters;
 * - every word must match first (an AND intersects posting lists), and only
 *   when that finds too few papers do we widen to an OR of the rarer words;
 * - one bounded scan takes the most recent matches, up to COUNT_CAP + 1: it
 *   is at once the count (exact below the cap, a lower bound at it) and the
 *   recent window, so no match set is walked twice. A small match set is then
 *   known in full, and scored in full by BM25F over title, abstract and
 *   authors (bm25f-scorer.ts); a larger one is scored within a bounded window
 *   — the most recent papers with every word in the title, then the most
 *   recent matches — so the work per query is fixed however common the words.
 *   The approximation only affects queries matching hundreds of papers or
 *   more, where recent ones are what readers want first.
 */
import type { CompileOptions } from '../query/fts-match.js';
import type { SearchQuery } from '../query/search-query.js';
import { foldCase, stem, STOPWORDS, tokenize } from '../text/tokenize.js';
import { idf, scoreText, type QueryStems, type ScoredText } from './bm25f-scorer.js';

export interface KeywordHit {
  seq: number;
  score: number;
}

export interface KeywordResult {
  hits: KeywordHit[];
  total: number;
  /** True when `total` is a lower bound (counting stops at COUNT_CAP). */
  totalCapped: boolean;
  widened: boolean;
  /** Papers matching every query word (before widening). */
  strictTotal: number;
  /** True when the match set was too large to rank exactly (see above). */
  approximate: boolean;
}

export interface KeywordSearchOptions {
  limit: number;
  sort: 'relevance' | 'newest';
  expansions: ReadonlyMap<string, readonly string[]>;
  /** Document frequency of a folded word, to leave very common words out of the widened OR. */
  docCount(word: string): number;
  paperCount: number;
}

export interface CandidateRow extends ScoredText {
  published_at: string | null;
}

/** What a full-text index provides: compiled matches, matching papers (the recent scan also counts them) and their texts. */
export interface MatchIndex<Match> {
  /** The index's match for a query, or undefined when nothing in it can match. */
  compile(query: SearchQuery, opts: CompileOptions): Match | undefined;
  /** Up to `limit` matching papers: any of them, or the most recently added first. */
  matchingSeqs(match: Match, query: SearchQuery, order: 'any' | 'recent', limit: number): number[] | Promise<number[]>;
  fetchTexts(seqs: number[], withAbstract: boolean): CandidateRow[] | Promise<CandidateRow[]>;
}

/** Papers taken per tier when the match set is larger than FULL_SCORE_LIMIT. */
const RANK_WINDOW = 500;
/**
 * Matches are counted as far as the ranking window reaches; past it `total`
 * is a lower bound (`totalCapped`, shown as "more than 500"). The one recent
 * scan yields both, and every match counted beyond the window was walked for
 * a figure alone: with the cap at 1,000, the recorded scans of 1,000 bench
 * queries at a million papers took 9.2 s (p95 27 ms); with it at the window,
 * 6.9 s (p95 21 ms). Results still page through both tiers (up to 1,000).
 */
export const COUNT_CAP = RANK_WINDOW;
/** Match sets up to this size are scored in full. */
const FULL_SCORE_LIMIT = 300;
/** Papers taken per tier by a widened pass at least (see keywordSearch). */
const MIN_WIDENED_WINDOW = 100;
// In the widened OR, words found in more than this share of papers are left out.
const COMMON_WORD_SHARE = 0.05;

interface Pass {
  hits: KeywordHit[];
  total: number;
  approximate: boolean;
}

/** Query words as BM25 terms: a word and its expansions form one term; IDF from the vocabulary. */
function queryStems(query: SearchQuery, opts: KeywordSearchOptions): QueryStems {
  const groups: QueryStems['groups'] = [];
  for (const term of query.terms) {
    if (term.negated) continue;
    for (const word of tokenize(term.text)) {
      const words = [word, ...(term.kind === 'word' ? (opts.expansions.get(word) ?? []) : [])];
      const docCount = Math.max(...words.map((w) => opts.docCount(w)));
      groups.push({ stems: new Set(words.map(stem)), idf: idf(docCount, opts.paperCount) });
    }
  }
  return { groups };
}

function ranked(rows: CandidateRow[], stems: QueryStems, opts: KeywordSearchOptions, withAbstract: boolean, lift = 0): Array<KeywordHit & { published: string }> {
  const hits = rows.map((row) => ({ seq: row.seq, score: lift + scoreText(row, stems, { abstract: withAbstract }), published: row.published_at ?? '' }));
  if (opts.sort === 'newest') return hits.sort((a, b) => b.published.localeCompare(a.published) || b.seq - a.seq);
  return hits.sort((a, b) => b.score - a.score || b.seq - a.seq);
}

/**
 * One pass over a match, scored in full or within a window by the size of its match set.
 * `window` is the papers taken per tier when the set is too large to score in full.
 */
async function pass<M>(index: MatchIndex<M>, query: SearchQuery, mode: 'all' | 'any', opts: KeywordSearchOptions, window = RANK_WINDOW): Promise<Pass | undefined> {
  const match = index.compile(query, { mode, expansions: opts.expansions });
  if (match === undefined) return undefined;
  // One scan yields the count (capped) and the recent window: at a million papers each scan of
  // common words costs tens of milliseconds, so the match set is not walked a second time to count it.
  const matching = await index.matchingSeqs(match, query, 'recent', COUNT_CAP + 1);
  const total = matching.length;
  const stems = queryStems(query, opts);
  if (total <= FULL_SCORE_LIMIT) {
    const rows = await index.fetchTexts(matching, true);
    return { hits: ranked(rows, stems, opts, true).slice(0, opts.limit), total, approximate: false };
  }
  const recent = matching.slice(0, window);
  const inTitle = index.compile(query, { mode, expansions: opts.expansions, columns: ['title'] });
  const titleSeqs = inTitle !== undefined ? await index.matchingSeqs(inTitle, query, 'recent', window) : [];
  const titleSet = new Set(titleSeqs);
  const recentSeqs = recent.filter((seq) => !titleSet.has(seq));
  const rows = await index.fetchTexts([...titleSeqs, ...recentSeqs], false);
  if (opts.sort === 'newest') return { hits: ranked(rows, stems, opts, false).slice(0, opts.limit), total, approximate: true };
  const inTitleRows = rows.filter((r) => titleSet.has(r.seq));
  const otherRows = rows.filter((r) => !titleSet.has(r.seq));
  // Every word in the title is the strongest evidence: those papers come first.
  const titleHits = ranked(inTitleRows, stems, opts, false, 1000);
  const hits = [...titleHits, ...ranked(otherRows, stems, opts, false)];
  return { hits: hits.slice(0, opts.limit), total, approximate: true };
}

/** The query for the widened pass: the positive words rare enough to be worth an OR. */
function widenedQuery(query: SearchQuery, opts: KeywordSearchOptions): SearchQuery | undefined {
  const positives = query.terms.filter((t) => !t.negated);
  if (positives.length < 2) return undefined;
  const limit = Math.max(1, opts.paperCount * COMMON_WORD_SHARE);
  const rare = positives.filter((t) => t.kind === 'phrase' || (!STOPWORDS.has(foldCase(t.text)) && opts.docCount(foldCase(t.text)) <= limit));
  const kept = rare.length > 0 ? rare : positives;
  return { ...query, terms: [...kept, ...query.terms.filter((t) => t.negated)] };
}

export async function keywordSearch<M>(index: MatchIndex<M>, query: SearchQuery, opts: KeywordSearchOptions): Promise<KeywordResult> {
  const strict = await pass(index, query, 'all', opts);
  if (!strict) return { hits: [], total: 0, totalCapped: false, widened: false, strictTotal: 0, approximate: false };
  const { hits } = strict;
  let total = strict.total;
  let approximate = strict.approximate;
  let widened = false;
  const wide = hits.length < opts.limit ? widenedQuery(query, opts) : undefined;
  // Widened hits only fill the places strict hits left: twice as many candidates per tier as
  // places is plenty (at a million papers the full window made widening cost ~6 ms at p95).
  const wideWindow = Math.min(RANK_WINDOW, Math.max(MIN_WIDENED_WINDOW, 2 * (opts.limit - hits.length)));
  const widePass = wide ? await pass(index, wide, 'any', opts, wideWindow) : undefined;
  if (widePass) {
    const seen = new Set(hits.map((h) => h.seq));
    // Widened hits rank after every strict hit: matching all words is the stronger signal.
    // (With no strict hit there is nothing to rank after: widened hits keep their own scores.)
    const floor = hits.length > 0 ? Math.min(...hits.map((h) => h.score)) : Infinity;
    for (const hit of widePass.hits) {
      if (seen.has(hit.seq)) continue;
      hits.push({ seq: hit.seq, score: Math.min(hit.score, floor) - 1e-6 * hits.length });
    }
    total = Math.max(total, widePass.total);
    approximate ||= widePass.approximate;
    widened = true;
  }
  return { hits, total: Math.min(total, COUNT_CAP), totalCapped: total > COUNT_CAP, widened, strictTotal: strict.total, approximate };
}
