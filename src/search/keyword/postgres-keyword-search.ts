/**
 * Keyword search on PostgreSQL: the `paper_search` tsvector and its GIN index
 * (migration 001) find the matching papers; they are ranked exactly as on
 * SQLite — by our BM25F over title, abstract and authors (bm25f-scorer.ts),
 * with the same passes: every word first, an OR of the rarer words when that
 * finds too few; a capped count; a small match set scored in full, a larger
 * one within a bounded window (matches with every word in the title, then the
 * most recent). So a query gives the same ranking on either database, and
 * the work per query stays bounded however common its words (ts_rank_cd, like
 * FTS5's bm25(), would read every match's document).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';
import { dateBounds, type CompileOptions } from '../query/fts-match.js';
import type { SearchQuery } from '../query/search-query.js';
import { foldCase, stem, STOPWORDS, tokenize } from '../text/tokenize.js';
import { idf, scoreText, type QueryStems, type ScoredText } from './bm25f-scorer.js';
import { compileTsquery } from './postgres-tsquery.js';
import type { KeywordHit, KeywordResult, KeywordSearchOptions } from './sqlite-keyword-search.js';

const COUNT_CAP = 10_000;
/** Match sets up to this size are scored in full. */
const FULL_SCORE_LIMIT = 300;
/** Papers taken per tier when the match set is larger. */
const RANK_WINDOW = 500;
const FETCH_CHUNK = 500;
// In the widened OR, words found in more than this share of papers are left out.
const COMMON_WORD_SHARE = 0.05;

interface CandidateRow extends ScoredText {
  published_at: string | null;
}

interface Pass {
  hits: KeywordHit[];
  total: number;
  approximate: boolean;
}

type Match = RawBuilder<unknown>;

export class PostgresKeywordSearch {
  constructor(private readonly db: Kysely<Database>) {}

  /** The tsquery of a compiled query, or undefined when nothing in it can match. */
  private tsquery(query: SearchQuery, opts: CompileOptions): Match | undefined {
    const texts = compileTsquery(query, opts);
    if (!texts) return undefined;
    const parts: Match[] = [];
    if (texts.text) parts.push(sql`to_tsquery('english', ${texts.text})`);
    if (texts.tags) parts.push(sql`to_tsquery('simple', ${texts.tags})`);
    return sql`(${sql.join(parts, sql` && `)})`;
  }

  /** FROM … WHERE for a match, joining papers only when a date bound needs published_at. */
  private matchClause(match: Match, query: SearchQuery): Match {
    const { after, before } = dateBounds(query);
    const conditions: Match[] = [sql`s.document @@ ${match}`];
    if (after) conditions.push(sql`p.published_at >= ${after}`);
    if (before) conditions.push(sql`p.published_at < ${before}`);
    const join = after || before ? sql`JOIN papers p ON p.seq = s.paper_seq` : sql``;
    return sql`FROM paper_search s ${join} WHERE ${sql.join(conditions, sql` AND `)}`;
  }

  private async matchingSeqs(match: Match, query: SearchQuery, order: 'any' | 'recent', limit: number): Promise<number[]> {
    const orderBy = order === 'recent' ? sql`ORDER BY s.paper_seq DESC` : sql``;
    const result = await sql<{ seq: number }>`SELECT s.paper_seq AS seq ${this.matchClause(match, query)} ${orderBy} LIMIT ${limit}`.execute(this.db);
    return result.rows.map((r) => Number(r.seq));
  }

  private async count(match: Match, query: SearchQuery): Promise<number> {
    const result = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT 1 ${this.matchClause(match, query)} LIMIT ${COUNT_CAP + 1}) AS capped`.execute(this.db);
    return Number(result.rows[0]?.n ?? 0);
  }

  private async fetchTexts(seqs: number[], withAbstract: boolean): Promise<CandidateRow[]> {
    const out: CandidateRow[] = [];
    for (let i = 0; i < seqs.length; i += FETCH_CHUNK) {
      const rows = await this.db
        .selectFrom('papers')
        .select(['seq', 'title', withAbstract ? 'abstract' : sql<null>`NULL`.as('abstract'), 'authors', 'published_at'])
        .where('seq', 'in', seqs.slice(i, i + FETCH_CHUNK))
        .execute();
      out.push(...rows.map((r) => ({ ...r, seq: Number(r.seq) })));
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

  /** One pass over a tsquery, scored in full or within a window by the size of its match set. */
  private async pass(query: SearchQuery, mode: 'all' | 'any', opts: KeywordSearchOptions): Promise<Pass | undefined> {
    const match = this.tsquery(query, { mode, expansions: opts.expansions });
    if (!match) return undefined;
    const total = await this.count(match, query);
    const stems = this.queryStems(query, opts);
    if (total <= FULL_SCORE_LIMIT) {
      const rows = await this.fetchTexts(await this.matchingSeqs(match, query, 'any', FULL_SCORE_LIMIT), true);
      return { hits: this.ranked(rows, stems, opts, true).slice(0, opts.limit), total, approximate: false };
    }
    const inTitle = this.tsquery(query, { mode, expansions: opts.expansions, columns: ['title'] });
    const titleSeqs = inTitle ? await this.matchingSeqs(inTitle, query, 'recent', RANK_WINDOW) : [];
    const titleSet = new Set(titleSeqs);
    const recentSeqs = (await this.matchingSeqs(match, query, 'recent', RANK_WINDOW)).filter((seq) => !titleSet.has(seq));
    const rows = await this.fetchTexts([...titleSeqs, ...recentSeqs], false);
    if (opts.sort === 'newest') return { hits: this.ranked(rows, stems, opts, false).slice(0, opts.limit), total, approximate: true };
    // Every word in the title is the strongest evidence: those papers come first.
    const titleHits = this.ranked(rows.filter((r) => titleSet.has(r.seq)), stems, opts, false, 1000);
    const hits = [...titleHits, ...this.ranked(rows.filter((r) => !titleSet.has(r.seq)), stems, opts, false)];
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

  async search(query: SearchQuery, opts: KeywordSearchOptions): Promise<KeywordResult> {
    const strict = await this.pass(query, 'all', opts);
    if (!strict) return { hits: [], total: 0, totalCapped: false, widened: false, strictTotal: 0, approximate: false };
    const { hits } = strict;
    let total = strict.total;
    let approximate = strict.approximate;
    let widened = false;
    const wide = hits.length < opts.limit ? this.widenedQuery(query, opts) : undefined;
    const widePass = wide ? await this.pass(wide, 'any', opts) : undefined;
    if (widePass) {
      const seen = new Set(hits.map((h) => h.seq));
      // Widened hits rank after every strict hit (with none, they keep their own scores).
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
