/**
 * Keeps SQLite's title index (`papers_fts_title`, migration 012) up to date:
 * papers stored since its watermark are indexed a chunk per transaction,
 * with the watermark moved in the same transaction, so two processes on one
 * file (a server and `paperboy ingest`) never index a paper twice, and a
 * process that stops half-way leaves a consistent index to resume from.
 * Between chunks the event loop gets a turn: the first run over a large
 * catalogue (about 8 s per million papers) does not stall searches.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { preparedPerConnection } from '../../db/prepared-per-connection.js';

// Titles are short: a chunk of this many is indexed in tens of milliseconds.
const CHUNK = 5000;

interface Statements {
  watermark: Database.Statement;
  latestSeq: Database.Statement;
  papersAfter: Database.Statement;
  insert: Database.Statement;
  setWatermark: Database.Statement;
  deleteAll: Database.Statement;
}

const statementsFor = preparedPerConnection(
  (sqlite): Statements => ({
    watermark: sqlite.prepare('SELECT through_seq FROM papers_fts_title_state WHERE id = 1').pluck(),
    latestSeq: sqlite.prepare('SELECT max(seq) FROM papers').pluck(),
    papersAfter: sqlite.prepare('SELECT seq, title, search_tags FROM papers WHERE seq > ? ORDER BY seq LIMIT ?'),
    insert: sqlite.prepare('INSERT INTO papers_fts_title (rowid, title, search_tags) VALUES (?, ?, ?)'),
    setWatermark: sqlite.prepare('UPDATE papers_fts_title_state SET through_seq = ? WHERE id = 1'),
    deleteAll: sqlite.prepare("INSERT INTO papers_fts_title (papers_fts_title) VALUES ('delete-all')"),
  }),
);

/** Indexes one chunk past the watermark; the number of papers indexed (0 when up to date). */
function indexNextChunk(sqlite: Database.Database, statements: Statements): number {
  const run = sqlite.transaction(() => {
    // Read inside the write transaction: another process may have moved it meanwhile.
    const after = Number(statements.watermark.get() ?? 0);
    const rows = statements.papersAfter.all(after, CHUNK) as Array<{ seq: number; title: string; search_tags: string | null }>;
    for (const row of rows) statements.insert.run(row.seq, row.title, row.search_tags ?? '');
    if (rows.length > 0) statements.setWatermark.run(rows[rows.length - 1]!.seq);
    return rows.length;
  });
  return run.immediate();
}

/** Indexes every paper stored since the last update; returns how many. */
export async function updateTitleIndex(sqlite: Database.Database): Promise<number> {
  const statements = statementsFor(sqlite);
  // Search refreshes every minute: when nothing is new, no write transaction (and no wait for
  // the write lock an ingest in another process may hold). The chunks re-read the watermark.
  if (Number(statements.latestSeq.get() ?? 0) <= Number(statements.watermark.get() ?? 0)) return 0;
  let indexed = 0;
  for (;;) {
    const n = indexNextChunk(sqlite, statements);
    indexed += n;
    if (n < CHUNK) return indexed;
    await yieldToEventLoop();
  }
}

/** Empties the index and indexes the whole catalogue again (`paperboy index rebuild`). */
export async function rebuildTitleIndex(sqlite: Database.Database): Promise<number> {
  const statements = statementsFor(sqlite);
  sqlite.transaction(() => {
    statements.deleteAll.run();
    statements.setWatermark.run(0);
  }).immediate();
  return updateTitleIndex(sqlite);
}
