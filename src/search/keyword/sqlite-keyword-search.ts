/**
 * Keyword search on SQLite FTS5 (the dialect-specific half of search): FTS5
 * finds the matching papers, keyword-passes.ts ranks them (and says why FTS5's
 * bm25() is not used).
 */
import type Database from 'better-sqlite3';
import { compileFtsMatch, residualDateBounds, type CompileOptions } from '../query/fts-match.js';
import type { SearchQuery } from '../query/search-query.js';
import { keywordSearch, type CandidateRow, type KeywordResult, type KeywordSearchOptions, type MatchIndex } from './keyword-passes.js';

export type { KeywordHit, KeywordResult, KeywordSearchOptions } from './keyword-passes.js';

export class SqliteKeywordSearch implements MatchIndex<string> {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly sqlite: Database.Database) {}

  private prepare(sqlText: string): Database.Statement {
    let statement = this.statements.get(sqlText);
    if (!statement) this.statements.set(sqlText, (statement = this.sqlite.prepare(sqlText)));
    return statement;
  }

  /** FROM … WHERE for a match, joining papers only when a date bound the year tags do not settle needs published_at. */
  private matchClause(match: string, query: SearchQuery): { sql: string; params: Record<string, string | null> } {
    const { after, before } = residualDateBounds(query);
    const conditions = ['papers_fts MATCH @match'];
    if (after) conditions.push('p.published_at >= @after');
    if (before) conditions.push('p.published_at < @before');
    const join = after || before ? 'JOIN papers p ON p.seq = f.rowid' : '';
    return { sql: `FROM papers_fts f ${join} WHERE ${conditions.join(' AND ')}`, params: { match, after: after ?? null, before: before ?? null } };
  }

  compile(query: SearchQuery, opts: CompileOptions): string | undefined {
    return compileFtsMatch(query, opts) ?? undefined;
  }

  matchingSeqs(match: string, query: SearchQuery, order: 'any' | 'recent', limit: number): number[] {
    const clause = this.matchClause(match, query);
    const sqlText = `SELECT f.rowid AS seq ${clause.sql} ${order === 'recent' ? 'ORDER BY f.rowid DESC' : ''} LIMIT @limit`;
    const rows = this.prepare(sqlText).all({ ...clause.params, limit }) as Array<{ seq: number }>;
    return rows.map((r) => r.seq);
  }

  count(match: string, query: SearchQuery, cap: number): number {
    const clause = this.matchClause(match, query);
    const sqlText = `SELECT count(*) AS n FROM (SELECT 1 ${clause.sql} LIMIT ${cap + 1})`;
    return (this.prepare(sqlText).get(clause.params) as { n: number }).n;
  }

  /** One statement for any number of seqs (a JSON array), rather than an IN list prepared per size. */
  fetchTexts(seqs: number[], withAbstract: boolean): CandidateRow[] {
    if (seqs.length === 0) return [];
    const sqlText = `SELECT seq, title, ${withAbstract ? 'abstract' : 'NULL AS abstract'}, authors, published_at FROM papers WHERE seq IN (SELECT value FROM json_each(?))`;
    return this.prepare(sqlText).all(JSON.stringify(seqs)) as CandidateRow[];
  }

  search(query: SearchQuery, opts: KeywordSearchOptions): Promise<KeywordResult> {
    return keywordSearch(this, query, opts);
  }
}
