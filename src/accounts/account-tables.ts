/**
 * Table types for the account tables (migration 003), kept beside their
 * query module rather than in db/schema.ts, which every area shares;
 * `accountsDb` widens the shared Kysely instance with them.
 */
import type { Generated, Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export interface UsersTable {
  id: Generated<number>;
  /** Lower-cased and trimmed; unique. */
  email: string;
  created_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's random token (hex): the cookie value itself is never stored. */
  id: string;
  user_id: number;
  created_at: string;
  expires_at: string;
}

export interface UsedTokensTable {
  jti: string;
  used_at: string;
}

export interface SavedPapersTable {
  user_id: number;
  paper_seq: number;
  saved_at: string;
}

// A type alias, not an interface: withTables() needs the implicit index signature.
export type AccountTables = {
  users: UsersTable;
  sessions: SessionsTable;
  used_tokens: UsedTokensTable;
  saved_papers: SavedPapersTable;
};

export type AccountsDb = Kysely<Database & AccountTables>;

export function accountsDb(db: Kysely<Database>): AccountsDb {
  return db.withTables<AccountTables>();
}
