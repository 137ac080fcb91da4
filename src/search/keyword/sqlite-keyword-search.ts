/**
 * Keyword search on SQLite FTS5 (the dialect-specific half of search).
 *
 * FTS5 finds the matching papers; we rank them. Its bm25() would cost time
 * proportional to the posting lists of the query's words on every query
 * (it recounts their document frequencies), which for a common word in a
 * million papers is tens of milliseconds — the trap bench/search.ts measures
 * against. So:
 * - filters are index tokens inside the MATCH, never SQL post-filters;
 * - every word must match first (an AND intersects posting lists), and only
 *   when that finds too few papers do we widen to an OR of the rarer words;
 * - we count matches first (cheap, capped): a small match set is scored in
 *   full by BM25F over title, abstract and authors (bm25f-scorer.ts); a
 *   larger one is scored within a bounded window — the most recent papers
 *   with every word in the title, then the most recent matches — so the work
 *   per query is fixed however common the words. The approximation only
 *   affects queries matching hundreds of papers or more, where recent ones
 *   are what readers want first.
 */
import type Database from 'better-sqlite3';
import { compileFtsMatch, dateBounds } from '../query/fts-match.js';
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

const COUNT_CAP = 10_000;
/** Match sets up to this size are scored in full. */
const FULL_SCORE_LIMIT = 300;
/** Papers taken per tier when the match set is larger. */
const RANK_WINDOW = 500;
const FETCH_CHUNK = 500;

interface CandidateRow extends ScoredText {
  published_at: string | null;
}
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

  /** FROM … WHERE for a match, joining papers only when a date bound needs published_at. */
  private matchClause(match: string, query: SearchQuery): { sql: string; params: Record<string, string | null> } {
    const { after, before } = dateBounds(query);
    const conditions = ['papers_fts MATCH @match'];
    if (after) conditions.push('p.published_at >= @after');
    if (before) conditions.push('p.published_at < @before');
    const join = after || before ? 'JOIN papers p ON p.seq = f.rowid' : '';
    return { sql: `FROM papers_fts f ${join} WHERE ${conditions.join(' AND ')}`, params: { match, after: after ?? null, before: before ?? null } };
  }

  private matchingSeqs(match: string, query: SearchQuery, order: 'any' | 'recent', limit: number): number[] {
    const clause = this.matchClause(match, query);
    const sqlText = `SELECT f.rowid AS seq ${clause.sql} ${order === 'recent' ? 'ORDER BY f.rowid DESC' : ''} LIMIT @limit`;
    const rows = this.prepare(sqlText).all({ ...clause.params, limit }) as Array<{ seq: number }>;
    return rows.map((r) => r.seq);
  }

  private count(match: string, query: SearchQuery): number {
    const clause = this.matchClause(match, query);
    const sqlText = `SELECT count(*) AS n FROM (SELECT 1 ${clause.sql} LIMIT ${COUNT_CAP + 1})`;
    return (this.prepare(sqlText).get(clause.params) as { n: number }).n;
  }

  private fetchTexts(seqs: number[], withAbstract: boolean): CandidateRow[] {
    const out: CandidateRow[] = [];
    for (let i = 0; i < seqs.length; i += FETCH_CHUNK) {
      const part = seqs.slice(i, i + FETCH_CHUNK);
      const sqlText = `SELECT seq, title, ${withAbstract ? 'abstract' : 'NULL AS abstract'}, authors, published_at FROM papers WHERE seq IN (${part.map(() => '?').join(',')})`;
      out.push(...(this.prepare(sqlText).all(...part) as CandidateRow[]));
    }
    return out;
  }

  /** Query words as BM25 terms: a word and its expansions form one term; IDF from the vocabulary. */
  private queryStems(query: SearchQuery, opts: KeywordSearchOptions): QueryStems {
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

  private ranked(rows: CandidateRow[], stems: QueryStems, opts: KeywordSearchOptions, withAbstract: boolean, lift = 0): Array<KeywordHit & { published: string }> {
    const hits = rows.map((row) => ({ seq: row.seq, score: lift + scoreText(row, stems, { abstract: withAbstract }), published: row.published_at ?? '' }));
    if (opts.sort === 'newest') return hits.sort((a, b) => b.published.localeCompare(a.published) || b.seq - a.seq);
    return hits.sort((a, b) => b.score - a.score || b.seq - a.seq);
  }

  /** One pass over a MATCH expression, scored in full or within a window by the size of its match set. */
  private pass(query: SearchQuery, mode: 'all' | 'any', opts: KeywordSearchOptions): Pass | undefined {
    const match = compileFtsMatch(query, { mode, expansions: opts.expansions });
    if (!match) return undefined;
    const total = this.count(match, query);
    const stems = this.queryStems(query, opts);
    if (total <= FULL_SCORE_LIMIT) {
      const rows = this.fetchTexts(this.matchingSeqs(match, query, 'any', FULL_SCORE_LIMIT), true);
      return { hits: this.ranked(rows, stems, opts, true).slice(0, opts.limit), total, approximate: false };
    }
    const inTitle = compileFtsMatch(query, { mode, expansions: opts.expansions, columns: ['title'] });
    const titleSeqs = inTitle ? this.matchingSeqs(inTitle, query, 'recent', RANK_WINDOW) : [];
    const titleSet = new Set(titleSeqs);
    const recentSeqs = this.matchingSeqs(match, query, 'recent', RANK_WINDOW).filter((seq) => !titleSet.has(seq));
    const rows = this.fetchTexts([...titleSeqs, ...recentSeqs], false);
    if (opts.sort === 'newest') return { hits: this.ranked(rows, stems, opts, false).slice(0, opts.limit), total, approximate: true };
    const inTitleRows = rows.filter((r) => titleSet.has(r.seq));
    const otherRows = rows.filter((r) => !titleSet.has(r.seq));
    // Every word in the title is the strongest evidence: those papers come first.
    const titleHits = this.ranked(inTitleRows, stems, opts, false, 1000);
    const hits = [...titleHits, ...this.ranked(otherRows, stems, opts, false)];
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
    if (!strict) return { hits: [], total: 0, totalCapped: false, widened: false, strictTotal: 0, approximate: false };
    const { hits } = strict;
    let total = strict.total;
    let approximate = strict.approximate;
    let widened = false;
    const wide = hits.length < opts.limit ? this.widenedQuery(query, opts) : undefined;
    const widePass = wide ? this.pass(wide, 'any', opts) : undefined;
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
}
