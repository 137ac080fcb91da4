/**
 * Keyword search on PostgreSQL: the `paper_search` tsvector columns and their
 * GIN indexes (migrations 001 and 010) find the matching papers;
 * keyword-passes.ts ranks them, as on SQLite, so a query gives the same
 * ranking on either database.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';
import { dateBounds, type CompileOptions } from '../query/fts-match.js';
import type { SearchQuery } from '../query/search-query.js';
import { keywordSearch, type CandidateRow, type KeywordResult, type KeywordSearchOptions, type MatchIndex } from './keyword-passes.js';
import { compileTsquery, type TsqueryParts } from './postgres-tsquery.js';

const FETCH_CHUNK = 500;

/** Each `paper_search` column and the text-search configuration it was built with (migration 010). */
const COLUMNS: Record<keyof TsqueryParts, string> = { document: 'english', title: 'english', authors: 'english', tags: 'simple' };

type Fragment = RawBuilder<unknown>;

export class PostgresKeywordSearch implements MatchIndex<Fragment> {
  constructor(private readonly db: Kysely<Database>) {}

  /** The query's conditions on the `paper_search` columns, AND-ed: each one an index can answer. */
  compile(query: SearchQuery, opts: CompileOptions): Fragment | undefined {
    const parts = compileTsquery(query, opts);
    if (!parts) return undefined;
    const conditions = (Object.keys(COLUMNS) as Array<keyof TsqueryParts>).flatMap((key) => {
      const text = parts[key];
      return text === undefined ? [] : [sql`s.${sql.ref(key)} @@ to_tsquery(${COLUMNS[key]}::regconfig, ${text})`];
    });
    return sql`(${sql.join(conditions, sql` AND `)})`;
  }

  /** FROM … WHERE for a match, joining papers only when a date bound needs published_at. */
  private matchClause(match: Fragment, query: SearchQuery): Fragment {
    const { after, before } = dateBounds(query);
    const conditions: Fragment[] = [match];
    if (after) conditions.push(sql`p.published_at >= ${after}`);
    if (before) conditions.push(sql`p.published_at < ${before}`);
    const join = after || before ? sql`JOIN papers p ON p.seq = s.paper_seq` : sql``;
    return sql`FROM paper_search s ${join} WHERE ${sql.join(conditions, sql` AND `)}`;
  }

  async matchingSeqs(match: Fragment, query: SearchQuery, order: 'any' | 'recent', limit: number): Promise<number[]> {
    const orderBy = order === 'recent' ? sql`ORDER BY s.paper_seq DESC` : sql``;
    const result = await sql<{ seq: number }>`SELECT s.paper_seq AS seq ${this.matchClause(match, query)} ${orderBy} LIMIT ${limit}`.execute(this.db);
    return result.rows.map((r) => Number(r.seq));
  }

  async fetchTexts(seqs: number[], withAbstract: boolean): Promise<CandidateRow[]> {
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

  search(query: SearchQuery, opts: KeywordSearchOptions): Promise<KeywordResult> {
    return keywordSearch(this, query, opts);
  }

  /** Nothing derived to maintain: the per-field tsvector columns are kept by triggers (migrations 001, 010). */
  async refresh(): Promise<void> {}

  async rebuild(): Promise<void> {}
}
