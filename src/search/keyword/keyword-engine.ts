/**
 * The keyword engine of a database: SQLite's FTS5 index or PostgreSQL's
 * tsvector index. Both find papers with their own index and rank them with
 * the same passes (keyword-passes.ts), so they answer a query the same way.
 */
import type { DatabaseHandle } from '../../db/connection.js';
import type { SearchQuery } from '../query/search-query.js';
import { PostgresKeywordSearch } from './postgres-keyword-search.js';
import type { KeywordResult, KeywordSearchOptions } from './keyword-passes.js';
import { SqliteKeywordSearch } from './sqlite-keyword-search.js';
import type { TermBitmapOptions } from './sqlite-term-bitmaps.js';

export interface KeywordEngine {
  search(query: SearchQuery, opts: KeywordSearchOptions): Promise<KeywordResult>;
  /** Brings the engine's derived indexes up to date with papers stored since (SQLite's title index). */
  refresh(): Promise<void>;
  /** Builds the derived indexes again from the whole catalogue (`paperboy index rebuild`). */
  rebuild(): Promise<void>;
  /** Builds or updates in-memory structures of long-running processes (SQLite's term bitsets). */
  maintain?(): Promise<void>;
  /** Stops background work before the database closes. */
  close?(): Promise<void>;
}

export interface KeywordEngineOptions {
  /** Keep common words as in-memory bitsets (SQLite; sqlite-term-bitmaps.ts). */
  termBitmaps?: TermBitmapOptions;
}

export function openKeywordEngine(database: DatabaseHandle, options: KeywordEngineOptions = {}): KeywordEngine {
  if (database.sqlite) return new SqliteKeywordSearch(database.sqlite, options);
  if (database.dialect === 'postgres') return new PostgresKeywordSearch(database.db);
  throw new Error(`no keyword search for ${database.dialect} at ${database.location}`);
}
