import { sql, type Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Lets a bulk load index its papers in FTS5 after writing them, not batch by
 * batch (see catalogue/sqlite-fts-bulk.ts for the writer's side).
 *
 * `papers_fts_pending` holds at most one row: "papers with seq >= from_seq
 * are not in the full-text index yet". It is committed with the first batch
 * that writes papers unindexed, so a load that dies half-way leaves it behind
 * and the next start or ingest indexes those papers (catch-up) before anything
 * else. Only the load that set it (`owner`) clears it, in the transaction that
 * indexes the last pending papers, so searches never miss a committed paper
 * once the ingest command has returned.
 *
 * While the row exists the triggers leave the pending range alone (an index
 * entry there would be indexed a second time by the catch-up, and a 'delete'
 * of an entry that was never written corrupts FTS5), and any change to that
 * range by a writer other than the owner sets `external_writes`: the owner
 * then indexes the range from the table instead of using the index it built
 * on the side. The owner marks its own transactions with a
 * `papers_fts_deferred` row carrying its id (migration 007's table).
 * Rows below `from_seq` are indexed as before, by the triggers.
 */
export const ftsPendingRangeMigration: Migration = {
  version: 8,
  name: 'fts-pending-range',
  async up(db: Kysely<any>, dialect) {
    if (dialect !== 'sqlite') return;
    await sql`CREATE TABLE papers_fts_pending (
      id integer PRIMARY KEY CHECK (id = 1),
      from_seq integer NOT NULL,
      owner integer NOT NULL,
      external_writes integer NOT NULL DEFAULT 0
    )`.execute(db);
    for (const name of ['insert', 'update', 'delete']) await sql.raw(`DROP TRIGGER papers_fts_${name}`).execute(db);
    const indexed = (ref: string) => `NOT EXISTS (SELECT 1 FROM papers_fts_pending WHERE ${ref}.seq >= from_seq)`;
    await sql.raw(`CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers
      WHEN NOT EXISTS (SELECT 1 FROM papers_fts_deferred) AND ${indexed('new')}
    BEGIN
      INSERT INTO papers_fts(rowid, title, abstract, authors, search_tags) VALUES (new.seq, new.title, new.abstract, new.authors, new.search_tags);
    END`).execute(db);
    await sql.raw(`CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers WHEN ${indexed('old')} BEGIN
      INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors, search_tags) VALUES ('delete', old.seq, old.title, old.abstract, old.authors, old.search_tags);
    END`).execute(db);
    await sql.raw(`CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors, search_tags ON papers WHEN ${indexed('old')} BEGIN
      INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors, search_tags) VALUES ('delete', old.seq, old.title, old.abstract, old.authors, old.search_tags);
      INSERT INTO papers_fts(rowid, title, abstract, authors, search_tags) VALUES (new.seq, new.title, new.abstract, new.authors, new.search_tags);
    END`).execute(db);
    // A write to the pending range by anyone but the owner.
    const foreign = (ref: string) => `EXISTS (SELECT 1 FROM papers_fts_pending p WHERE ${ref}.seq >= p.from_seq
        AND NOT EXISTS (SELECT 1 FROM papers_fts_deferred d WHERE d.writer = p.owner))`;
    const flag = 'UPDATE papers_fts_pending SET external_writes = 1;';
    await sql.raw(`CREATE TRIGGER papers_fts_pending_insert AFTER INSERT ON papers WHEN ${foreign('new')} BEGIN ${flag} END`).execute(db);
    await sql.raw(`CREATE TRIGGER papers_fts_pending_update AFTER UPDATE OF title, abstract, authors, search_tags ON papers WHEN ${foreign('old')} BEGIN ${flag} END`).execute(db);
    await sql.raw(`CREATE TRIGGER papers_fts_pending_delete AFTER DELETE ON papers WHEN ${foreign('old')} BEGIN ${flag} END`).execute(db);
  },
};
