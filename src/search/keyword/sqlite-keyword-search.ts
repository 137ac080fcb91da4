/**
 * Keyword search on SQLite FTS5 (the dialect-specific half of search).
 *
 * FTS5 traps avoided, as measured in bench/search.ts: results come from
 * `ORDER BY rank` with a LIMIT (BM25 weights are configured on the table);
 * filters are index tokens inside the MATCH rather than SQL conditions that
 * would make FTS5 score every match; every term must match first (an AND is
 * an intersection of posting lists, fast), and only when that finds too few
 * papers do we widen to OR — of the rarer terms only, so the OR never walks
 * the posting lists of words in most papers.
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
// In the widened OR, words found in more than this share of papers are left out.
const COMMON_WORD_SHARE = 0.05;

export class SqliteKeywordSearch {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly sqlite: Database.Database) {}

  private prepare(sqlText: string): Database.Statement {
    let statement = this.statements.get(sqlText);
    if (!statement) this.statements.set(sqlText, (statement = this.sqlite.prepare(sqlText)));
    return statement;
  }

  private run(match: string, query: SearchQuery, opts: KeywordSearchOptions, limit: number): KeywordHit[] {
    const { after, before } = dateBounds(query);
    const conditions = ['papers_fts MATCH @match'];
    if (after) conditions.push('p.published_at >= @after');
    if (before) conditions.push('p.published_at < @before');
    const needsJoin = Boolean(after || before || opts.sort === 'newest');
    const order = opts.sort === 'newest' ? 'p.published_at IS NULL, p.published_at DESC, f.rank' : 'f.rank';
    const sqlText = `SELECT f.rowid AS seq, -f.rank AS score FROM papers_fts f ${needsJoin ? 'JOIN papers p ON p.seq = f.rowid' : ''}
      WHERE ${conditions.join(' AND ')} ORDER BY ${order} LIMIT @limit`;
    return this.prepare(sqlText).all({ match, after: after ?? null, before: before ?? null, limit }) as KeywordHit[];
  }

  private count(match: string, query: SearchQuery): number {
    const { after, before } = dateBounds(query);
    const needsJoin = Boolean(after || before);
    const conditions = ['papers_fts MATCH @match'];
    if (after) conditions.push('p.published_at >= @after');
    if (before) conditions.push('p.published_at < @before');
    const sqlText = `SELECT count(*) AS n FROM (SELECT 1 FROM papers_fts f ${needsJoin ? 'JOIN papers p ON p.seq = f.rowid' : ''}
      WHERE ${conditions.join(' AND ')} LIMIT ${COUNT_CAP + 1})`;
    return (this.prepare(sqlText).get({ match, after: after ?? null, before: before ?? null }) as { n: number }).n;
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
    const strict = compileFtsMatch(query, { mode: 'all', expansions: opts.expansions });
    if (!strict) return { hits: [], total: 0, totalCapped: false, widened: false };
    const hits = this.run(strict, query, opts, opts.limit);
    let total = hits.length < opts.limit ? hits.length : this.count(strict, query);
    let widened = false;
    const wide = hits.length < opts.limit ? this.widenedQuery(query, opts) : undefined;
    const wideMatch = wide ? compileFtsMatch(wide, { mode: 'any', expansions: opts.expansions }) : null;
    if (wide && wideMatch && wideMatch !== strict) {
      const seen = new Set(hits.map((h) => h.seq));
      // Widened hits rank after every strict hit: matching all words is the stronger signal.
      const floor = hits.length > 0 ? Math.min(...hits.map((h) => h.score)) : 0;
      for (const hit of this.run(wideMatch, wide, opts, opts.limit)) {
        if (seen.has(hit.seq)) continue;
        hits.push({ seq: hit.seq, score: Math.min(hit.score, floor) - 1e-6 * hits.length });
      }
      total = Math.max(total, this.count(wideMatch, wide));
      widened = true;
    }
    return { hits, total: Math.min(total, COUNT_CAP), totalCapped: total > COUNT_CAP, widened };
  }
}
