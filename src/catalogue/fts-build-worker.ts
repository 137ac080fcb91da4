/**
 * Worker thread that builds a bulk load's full-text index on the side, on the
 * second core, while the main thread writes the papers: the same FTS5 table
 * (its definition and settings read from the catalogue) in a scratch file,
 * fed with each committed batch's rows. At the end it moves the finished
 * index into the catalogue's (empty) FTS5 tables in one transaction, together
 * with clearing the pending marker — or declines, and the caller indexes the
 * pending range from the table instead (see fts-build.ts).
 *
 * Copying FTS5's shadow tables is sound because both tables have the same
 * definition and configuration in the same SQLite library: FTS5 would have
 * written exactly these records had it indexed the rows itself. Other
 * connections notice the change (the data version moves) and reload the index
 * structure.
 */
import { rmSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { FullTextValues } from './sqlite-fts-pending.js';

export interface FtsBuildJob {
  mainPath: string;
  scratchPath: string;
}

/**
 * Committed papers `fromSeq..toSeq` to index, read here from the catalogue
 * (cheaper than copying their text between threads), or an entry to replace
 * (old values first, as FTS5's 'delete' needs them; the caller makes sure the
 * paper was read here before its new values committed).
 */
export type FtsOp = [op: 'add', fromSeq: number, toSeq: number] | [op: 'replace', seq: number, before: FullTextValues, after: FullTextValues];

export type FtsBuildRequest = { type: 'ops'; ops: FtsOp[] } | { type: 'finish'; owner: number; fromSeq: number };
export type FtsBuildReply = { type: 'ack' } | { type: 'finished'; copied: boolean; reason?: string };

const SHADOW_TABLES = ['data', 'idx', 'docsize'] as const;

// Bytes of pending terms FTS5 holds before writing a segment (the catalogue's is 16 MB, migration 007).
const BUILD_HASHSIZE = 64n * 1024n * 1024n;

function openScratch(job: FtsBuildJob): SQLite.Database {
  const main = new SQLite(job.mainPath, { readonly: true });
  const definition = main.prepare("SELECT sql FROM sqlite_schema WHERE name = 'papers_fts'").pluck().get() as string;
  const settings = main.prepare("SELECT k, v FROM papers_fts_config WHERE k <> 'version'").safeIntegers(true).all() as Array<{ k: string; v: unknown }>;
  main.close();
  rmSync(job.scratchPath, { force: true });
  const scratch = new SQLite(job.scratchPath);
  // Throwaway file: no journal, no syncing.
  scratch.pragma('journal_mode = OFF');
  scratch.pragma('synchronous = OFF');
  scratch.pragma('cache_size = -65536');
  scratch.exec(definition);
  const configure = scratch.prepare('INSERT INTO papers_fts (papers_fts, rank) VALUES (?, ?)');
  for (const { k, v } of settings) configure.run(k, v);
  // The scratch index only ever takes inserts in one transaction: bigger
  // in-memory term lists mean fewer, larger segments and less merging.
  configure.run('hashsize', BUILD_HASHSIZE);
  return scratch;
}

/** In one transaction on the catalogue: the scratch index replaces the empty one and the marker goes. */
function moveIntoCatalogue(job: FtsBuildJob, owner: number, fromSeq: number): FtsBuildReply {
  const main = new SQLite(job.mainPath);
  try {
    main.pragma('busy_timeout = 60000');
    main.pragma('synchronous = NORMAL');
    // FTS5's shadow tables are read-only to SQL unless defensive mode is off.
    main.unsafeMode(true);
    main.prepare('ATTACH DATABASE ? AS build').run(job.scratchPath);
    const move = main.transaction((): FtsBuildReply => {
      const range = main.prepare('SELECT from_seq, owner, external_writes FROM main.papers_fts_pending').get() as
        | { from_seq: number; owner: number; external_writes: number }
        | undefined;
      if (!range || range.owner !== owner || range.from_seq !== fromSeq) return { type: 'finished', copied: false, reason: 'the pending range changed hands' };
      if (range.external_writes) return { type: 'finished', copied: false, reason: 'another writer changed papers meanwhile' };
      if (main.prepare('SELECT 1 FROM main.papers_fts_docsize LIMIT 1').get()) return { type: 'finished', copied: false, reason: 'the index is not empty' };
      for (const table of SHADOW_TABLES) {
        main.exec(`DELETE FROM main.papers_fts_${table}`);
        main.exec(`INSERT INTO main.papers_fts_${table} SELECT * FROM build.papers_fts_${table}`);
      }
      main.exec('DELETE FROM main.papers_fts_pending');
      return { type: 'finished', copied: true };
    });
    return move.immediate();
  } finally {
    main.close();
  }
}

function run(job: FtsBuildJob): void {
  const port = parentPort!;
  const scratch = openScratch(job);
  const add = scratch.prepare('INSERT INTO papers_fts (rowid, title, abstract, authors, search_tags) VALUES (?, ?, ?, ?, ?)');
  // Short read transactions on the catalogue (WAL): each sees every batch committed so far.
  const catalogue = new SQLite(job.mainPath, { readonly: true });
  const addedRows = catalogue.prepare('SELECT seq, title, abstract, authors, search_tags FROM papers WHERE seq BETWEEN ? AND ?').raw(true);
  const remove = scratch.prepare("INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors, search_tags) VALUES ('delete', ?, ?, ?, ?, ?)");
  // One long transaction: the file is thrown away on failure, and FTS5 then
  // writes a segment only each time its pending terms pass `hashsize`.
  scratch.exec('BEGIN');
  port.on('message', (request: FtsBuildRequest) => {
    try {
      if (request.type === 'ops') {
        for (const op of request.ops) {
          if (op[0] === 'add') {
            for (const row of addedRows.all(op[1], op[2]) as unknown[][]) add.run(row);
          } else {
            remove.run(op[1], ...op[2]);
            add.run(op[1], ...op[3]);
          }
        }
        port.postMessage({ type: 'ack' } satisfies FtsBuildReply);
        return;
      }
      catalogue.close();
      scratch.exec('COMMIT');
      scratch.close();
      const reply = moveIntoCatalogue(job, request.owner, request.fromSeq);
      port.postMessage(reply);
      port.close();
    } catch (error) {
      if (catalogue.open) catalogue.close();
      if (scratch.open) scratch.close();
      rmSync(job.scratchPath, { force: true });
      port.postMessage({ type: 'finished', copied: false, reason: error instanceof Error ? error.message : String(error) } satisfies FtsBuildReply);
      port.close();
    } finally {
      if (request.type === 'finish') rmSync(job.scratchPath, { force: true });
    }
  });
}

if (parentPort) run(workerData as FtsBuildJob);
