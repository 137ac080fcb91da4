/**
 * Keyword search on SQLite FTS5 (the dialect-specific half of search).
 *
 * FTS5's `ORDER BY rank` computes BM25 for every matching row, and a common
 * word matches a large share of a million papers, so ranking cost grows
 * with the corpus (the trap bench/search.ts measures against). We bound it:
 * - filters are index tokens inside the MATCH, never SQL post-filters;
 * - every word must match first (an AND intersects posting lists), and only
 *   when that finds too few papers do we widen to an OR of the rarer words;
 * - counting matches is cheap (no ranking), so we count first (up to a cap):
 *   a match set small enough is ranked exactly; a larger one is ranked
 *   within a bounded window — the most recent matches, plus the most recent
 *   papers with every word in the title — so the work per query is fixed
 *   however common the words are. The approximation only affects queries
 *   matching thousands of papers, where recent ones are what readers want.
 */
import type Database from 'better-sqlite3';
import { compileFtsMatch, dateBounds } from '../query/fts-match.js';
import type { SearchQuery } from '../query/search-query.js';
import { foldCase, STOPWORDS } from '../text/tokenize.js';

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

const COUNT_CAP = 10_000;
/** Match sets up to this size are ranked exactly. */
const EXACT_RANK_LIMIT = 2_000;
/** Rows ranked per tier when the match set is larger. */
const RANK_WINDOW = 1_000;
// In the widened OR, words found in more than this share of papers are left out.
const COMMON_WORD_SHARE = 0.05;

interface Pass {
  hits: KeywordHit[];
  total: number;
  approximate: boolean;
}

export class SqliteKeywordSearch {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly sqlite: Database.Database) {}

  private prepare(sqlText: string): Database.Statement {
    let statement = this.statements.get(sqlText);
    if (!statement) this.statements.set(sqlText, (statement = this.sqlite.prepare(sqlText)));
    return statement;
  }

  private select(match: string, query: SearchQuery, order: 'rank' | 'newest' | 'recent-window', limit: number): KeywordHit[] {
    const { after, before } = dateBounds(query);
    const conditions = ['papers_fts MATCH @match'];
    if (after) conditions.push('p.published_at >= @after');
    if (before) conditions.push('p.published_at < @before');
    const needsJoin = Boolean(after || before || order === 'newest');
    const orderBy = { rank: 'f.rank', newest: 'p.published_at IS NULL, p.published_at DESC, f.rowid DESC', 'recent-window': 'f.rowid DESC' }[order];
    const sqlText = `SELECT f.rowid AS seq, -f.rank AS score FROM papers_fts f ${needsJoin ? 'JOIN papers p ON p.seq = f.rowid' : ''}
      WHERE ${conditions.join(' AND ')} ORDER BY ${orderBy} LIMIT @limit`;
    return this.prepare(sqlText).all({ match, after: after ?? null, before: before ?? null, limit }) as KeywordHit[];
  }

  private count(match: string, query: SearchQuery): number {
    const { after, before } = dateBounds(query);
    const conditions = ['papers_fts MATCH @match'];
    if (after) conditions.push('p.published_at >= @after');
    if (before) conditions.push('p.published_at < @before');
    const join = after || before ? 'JOIN papers p ON p.seq = f.rowid' : '';
    const sqlText = `SELECT count(*) AS n FROM (SELECT 1 FROM papers_fts f ${join} WHERE ${conditions.join(' AND ')} LIMIT ${COUNT_CAP + 1})`;
    return (this.prepare(sqlText).get({ match, after: after ?? null, before: before ?? null }) as { n: number }).n;
  }

  /** One ranked pass over a MATCH expression, exact or windowed by the size of its match set. */
  private pass(query: SearchQuery, mode: 'all' | 'any', opts: KeywordSearchOptions): Pass | undefined {
    const match = compileFtsMatch(query, { mode, expansions: opts.expansions });
    if (!match) return undefined;
    const total = this.count(match, query);
    if (total <= EXACT_RANK_LIMIT) {
      return { hits: this.select(match, query, opts.sort === 'newest' ? 'newest' : 'rank', opts.limit), total, approximate: false };
    }
    if (opts.sort === 'newest') return { hits: this.select(match, query, 'recent-window', opts.limit), total, approximate: true };
    const inTitle = compileFtsMatch(query, { mode, expansions: opts.expansions, columns: ['title'] });
    const titleHits = inTitle ? this.select(inTitle, query, 'recent-window', RANK_WINDOW) : [];
    const recentHits = this.select(match, query, 'recent-window', RANK_WINDOW);
    // Every word in the title is the strongest evidence; within each tier, BM25 decides.
    const byScore = (a: KeywordHit, b: KeywordHit) => b.score - a.score || b.seq - a.seq;
    const seen = new Set<number>();
    const hits: KeywordHit[] = [];
    const lift = Math.max(0, ...recentHits.map((h) => h.score));
    for (const hit of titleHits.sort(byScore)) if (!seen.has(hit.seq)) seen.add(hit.seq), hits.push({ seq: hit.seq, score: hit.score + lift });
    for (const hit of recentHits.sort(byScore)) if (!seen.has(hit.seq)) seen.add(hit.seq), hits.push(hit);
    return { hits: hits.slice(0, opts.limit), total, approximate: true };
  }

  /** The query for the widened pass: the positive words rare enough to be worth an OR. */
  private widenedQuery(query: SearchQuery, opts: KeywordSearchOptions): SearchQuery | undefined {
    const positives = query.terms.filter((t) => !t.negated);
    if (positives.length < 2) return undefined;
    const limit = Math.max(1, opts.paperCount * COMMON_WORD_SHARE);
    const rare = positives.filter((t) => t.kind === 'phrase' || (!STOPWORDS.has(foldCase(t.text)) && opts.docCount(foldCase(t.text)) <= limit));
    const kept = rare.length > 0 ? rare : positives;
    return { ...query, terms: [...kept, ...query.terms.filter((t) => t.negated)] };
  }

  search(query: SearchQuery, opts: KeywordSearchOptions): KeywordResult {
    const strict = this.pass(query, 'all', opts);
    if (!strict) return { hits: [], total: 0, totalCapped: false, widened: false, approximate: false };
    const { hits } = strict;
    let total = strict.total;
    let approximate = strict.approximate;
    let widened = false;
    const wide = hits.length < opts.limit ? this.widenedQuery(query, opts) : undefined;
    const widePass = wide ? this.pass(wide, 'any', opts) : undefined;
    if (widePass) {
      const seen = new Set(hits.map((h) => h.seq));
      // Widened hits rank after every strict hit: matching all words is the stronger signal.
      const floor = hits.length > 0 ? Math.min(...hits.map((h) => h.score)) : 0;
      for (const hit of widePass.hits) {
        if (seen.has(hit.seq)) continue;
        hits.push({ seq: hit.seq, score: Math.min(hit.score, floor) - 1e-6 * hits.length });
      }
      total = Math.max(total, widePass.total);
      approximate ||= widePass.approximate;
      widened = true;
    }
    return { hits, total: Math.min(total, COUNT_CAP), totalCapped: total > COUNT_CAP, widened, approximate };
  }
}
