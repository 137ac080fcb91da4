import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Trending's activity tables: upvotes by signed-in users, de-duplicated page
 * views, and GitHub star snapshots of the papers' repositories. Timestamps are
 * ISO 8601 UTC text, as elsewhere, so range comparisons are plain string
 * comparisons in both dialects.
 */
export const trendingMigration: Migration = {
  version: 4,
  name: 'trending',
  async up(db: Kysely<any>, dialect) {
    // PostgreSQL's plain `integer` is 32-bit; papers.seq is a bigserial there.
    const seqType = dialect === 'postgres' ? 'bigint' : 'integer';
    const paperRef = (c: ColumnDefinitionBuilder) => c.notNull().references('papers.seq').onDelete('cascade');

    // user_id has no foreign key: the accounts tables belong to another migration.
    await db.schema
      .createTable('paper_votes')
      .addColumn('user_id', seqType, (c) => c.notNull())
      .addColumn('paper_seq', seqType, paperRef)
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('paper_votes_pk', ['user_id', 'paper_seq'])
      .execute();
    // Ranking reads the votes of a window; a paper page counts its own votes.
    await db.schema.createIndex('paper_votes_created').on('paper_votes').column('created_at').execute();
    await db.schema.createIndex('paper_votes_paper').on('paper_votes').column('paper_seq').execute();

    await db.schema
      .createTable('paper_views')
      .addColumn('paper_seq', seqType, paperRef)
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('visitor_hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('paper_views_pk', ['paper_seq', 'day', 'visitor_hash'])
      .execute();
    await db.schema.createIndex('paper_views_day').on('paper_views').columns(['day', 'paper_seq']).execute();

    await db.schema
      .createTable('repo_star_snapshots')
      .addColumn('repo', 'text', (c) => c.notNull())
      .addColumn('stars', 'integer', (c) => c.notNull())
      .addColumn('observed_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('repo_star_snapshots_repo').on('repo_star_snapshots').columns(['repo', 'observed_at']).execute();
    await db.schema.createIndex('repo_star_snapshots_observed').on('repo_star_snapshots').column('observed_at').execute();

    // Which papers link which repository (from papers.code_urls), kept by the
    // poller: star growth is found per repository and credited to its papers.
    await db.schema
      .createTable('paper_repos')
      .addColumn('paper_seq', seqType, paperRef)
      .addColumn('repo', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('paper_repos_pk', ['paper_seq', 'repo'])
      .execute();
    await db.schema.createIndex('paper_repos_repo').on('paper_repos').column('repo').execute();

    // When each repository was last asked about and what GitHub said, so that
    // polls go round-robin and a deleted repository is not asked every run.
    await db.schema
      .createTable('github_repo_state')
      .addColumn('repo', 'text', (c) => c.primaryKey())
      .addColumn('checked_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .execute();

    // Ranking reads Hugging Face signals by time, across papers.
    await db.schema
      .createIndex('paper_signals_observed')
      .on('paper_signals')
      .columns(['source', 'metric', 'observed_at'])
      .execute();
  },
};
