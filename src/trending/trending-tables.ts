/**
 * Table types for trending's tables (migration 004), kept beside their query
 * modules rather than in db/schema.ts, which every area shares; `trendingDb`
 * widens the shared Kysely instance with them.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export interface PaperVotesTable {
  user_id: number;
  paper_seq: number;
  created_at: string;
}

export interface PaperViewsTable {
  paper_seq: number;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Keyed hash of the visitor with that day's salt: one row per visitor per paper per day. */
  visitor_hash: string;
}

export interface RepoStarSnapshotsTable {
  /** `owner/name`, lower-case, as in the papers' normalised code URLs. */
  repo: string;
  stars: number;
  observed_at: string;
}

export interface PaperReposTable {
  paper_seq: number;
  repo: string;
}

export interface GithubRepoStateTable {
  repo: string;
  checked_at: string;
  /** 'ok' or 'gone' (404/451: deleted, private or blocked). */
  status: string;
}

// A type alias, not an interface: `withTables` needs an implicit index signature.
export type TrendingTables = {
  paper_votes: PaperVotesTable;
  paper_views: PaperViewsTable;
  repo_star_snapshots: RepoStarSnapshotsTable;
  paper_repos: PaperReposTable;
  github_repo_state: GithubRepoStateTable;
};

export type TrendingDb = Kysely<Database & TrendingTables>;

export function trendingDb(db: Kysely<Database>): TrendingDb {
  return db.withTables<TrendingTables>();
}

/** SQLite allows 32,766 bound parameters per statement; stay well below. */
export const IN_LIST_CHUNK = 500;

export function chunks<T>(items: readonly T[], size = IN_LIST_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
