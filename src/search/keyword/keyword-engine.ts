/**
 * The keyword engine of a database: SQLite's FTS5 index or PostgreSQL's
 * tsvector index. Both find papers with their own index and rank them with
 * the same BM25F passes, so they answer a query the same way.
 */
import type { DatabaseHandle } from '../../db/connection.js';
import type { SearchQuery } from '../query/search-query.js';
import { PostgresKeywordSearch } from './postgres-keyword-search.js';
import { SqliteKeywordSearch, type KeywordResult, type KeywordSearchOptions } from './sqlite-keyword-search.js';

export interface KeywordEngine {
  /** Synchronous on SQLite (better-sqlite3), asynchronous on PostgreSQL: callers await either. */
  search(query: SearchQuery, opts: KeywordSearchOptions): KeywordResult | Promise<KeywordResult>;
}

export function openKeywordEngine(database: DatabaseHandle): KeywordEngine {
  if (database.sqlite) return new SqliteKeywordSearch(database.sqlite);
  if (database.dialect === 'postgres') return new PostgresKeywordSearch(database.db);
  throw new Error(`no keyword search for ${database.dialect} at ${database.location}`);
}
