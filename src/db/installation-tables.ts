/**
 * Every table of an installation, as `migrate-data` sees it: copied (in an
 * order where a row's parents come first), deliberately left behind (with
 * the reason), or a dialect's own machinery. A table that is in none of these
 * lists stops the copy — a migration that adds a table must say here what
 * happens to its rows, rather than a copy silently leaving them out.
 */

/** Copied row for row, ids kept; parents before the tables that reference them. */
export const COPIED_TABLES: readonly string[] = [
  // catalogue
  'papers',
  'paper_aliases',
  'paper_signals',
  'harvest_state',
  'ingest_runs',
  // search side tables (the semantic model and its vectors: no retraining on the new database)
  'search_vocabulary',
  'search_models',
  'paper_vectors',
  // accounts
  'users',
  'sessions',
  'used_tokens',
  'saved_papers',
  // trending activity
  'paper_votes',
  'paper_views',
  'repo_star_snapshots',
  'paper_repos',
  'github_repo_state',
  // subscriptions
  'subscribers',
  'subscriber_topics',
  // digest delivery history
  'digest_editions',
  'digest_messages',
  'digest_message_bodies',
  'digest_sent_papers',
];

/** Tables whose rows are not copied, and why. */
export const NOT_COPIED: Readonly<Record<string, string>> = {
  schema_migrations: 'the target records its own migrations',
  scheduler_locks: "leases of the processes running on the source; the target's processes take their own",
  rate_limit_counters: 'request counters of windows of a few minutes; the target counts afresh',
  change_counters: "cache generations of the source's running instances; the target's start from nothing cached",
};

/** SQLite's own tables and the FTS5 index with its shadow tables (PostgreSQL's `paper_search` is built by triggers instead). */
export function isSqliteMachinery(table: string): boolean {
  return table.startsWith('sqlite_') || table === 'papers_fts' || table.startsWith('papers_fts_');
}

/** PostgreSQL's counterpart of FTS5: one search document per paper, filled by triggers as papers are inserted. */
export const POSTGRES_SEARCH_TABLE = 'paper_search';

/** Source tables that the lists above do not account for. */
export function unaccountedTables(sourceTables: readonly string[]): string[] {
  return sourceTables.filter((t) => !COPIED_TABLES.includes(t) && !(t in NOT_COPIED) && !isSqliteMachinery(t)).sort();
}
