/**
 * A bulk load's full-text indexing on SQLite. Indexing papers batch by batch
 * costs most of a large ingest (FTS5 tokenises, writes a segment per commit,
 * and keeps merging them), all on the thread that writes. In a bulk load the
 * papers are written unindexed, in a pending range (migration 008), and
 * indexed at the end:
 *
 * - into an empty catalogue, a worker thread builds the index on the side from
 *   each committed batch while the papers are written, and moves it in at the
 *   end (fts-build-worker.ts): the tokenising runs on the second core;
 * - otherwise, or when the worker cannot finish (another writer changed the
 *   pending range, the worker failed), the pending range is indexed from the
 *   table in large transactions (catch-up).
 *
 * Either way the marker goes in the transaction that indexes the last pending
 * paper, and `finish()` returns only then; a process that dies before leaves
 * the marker, and the next start or ingest catches up.
 */
import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import { workerScript } from '../config/worker-script.js';
import type { DatabaseHandle } from '../db/connection.js';
import type { FtsBuildJob, FtsBuildReply, FtsBuildRequest, FtsOp } from './fts-build-worker.js';
import { KeyHashTable } from './key-hash-table.js';
import { dropLookupIndexes, ensureLookupIndexes, keyChangesFlagged } from './sqlite-lookup-indexes.js';
import { catchUpFullText, markPending, pendingRange, scratchPathFor, unmarkTransaction, type FullTextValues, type PendingRange } from './sqlite-fts-pending.js';

// Batches handed to the worker and not yet indexed there: bounds the memory a
// slower worker can make the main thread hold.
const MAX_BATCHES_IN_FLIGHT = 4;

// WAL pages between automatic checkpoints during a bulk load (SQLite's default
// is 1,000, about one batch of papers): each checkpoint syncs the files, and a
// page that several batches change (index pages) is written back once, not per batch.
const BULK_WAL_AUTOCHECKPOINT = 16_384;

export interface BulkLoadResult {
  /** The index built on the side was moved in. */
  builtAside: boolean;
  /** Papers indexed from the table at the end. */
  caughtUp: number;
  /** Why an index built on the side was not used. */
  reason?: string;
  /** Wall time from the last batch's commit to every paper indexed (the part no other work overlaps). */
  finishSeconds: number;
}

class FtsBuilder {
  private readonly worker: Worker;
  private inFlight = 0;
  private wake?: () => void;
  private finished?: (reply: Extract<FtsBuildReply, { type: 'finished' }>) => void;
  failure?: string;

  constructor(private readonly job: FtsBuildJob) {
    this.worker = new Worker(workerScript(new URL('./fts-build-worker.js', import.meta.url)), { workerData: job });
    this.worker.on('message', (reply: FtsBuildReply) => {
      if (reply.type === 'ack') this.inFlight--;
      else if (!this.finished) this.failure ??= reply.reason ?? 'the index builder stopped';
      else this.finished(reply);
      this.wake?.();
    });
    this.worker.on('error', (error) => this.fail(error.message));
    this.worker.on('exit', () => this.fail('the index builder exited'));
  }

  private fail(reason: string): void {
    this.failure ??= reason;
    this.finished?.({ type: 'finished', copied: false, reason: this.failure });
    this.wake?.();
  }

  async send(ops: FtsOp[]): Promise<void> {
    await this.waitUntil(() => this.inFlight < MAX_BATCHES_IN_FLIGHT);
    if (this.failure) return;
    this.inFlight++;
    this.worker.postMessage({ type: 'ops', ops } satisfies FtsBuildRequest);
  }

  /** Returns once the worker has indexed every batch sent so far (or failed). */
  drain(): Promise<void> {
    return this.waitUntil(() => this.inFlight === 0);
  }

  private async waitUntil(ready: () => boolean): Promise<void> {
    while (!this.failure && !ready()) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  async finish(owner: number, fromSeq: number): Promise<Extract<FtsBuildReply, { type: 'finished' }>> {
    if (this.failure) return this.stop();
    const reply = await new Promise<Extract<FtsBuildReply, { type: 'finished' }>>((resolve) => {
      this.finished = resolve;
      this.worker.postMessage({ type: 'finish', owner, fromSeq } satisfies FtsBuildRequest);
    });
    await this.stop();
    return reply;
  }

  async stop(): Promise<Extract<FtsBuildReply, { type: 'finished' }>> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
    rmSync(this.job.scratchPath, { force: true });
    return { type: 'finished', copied: false, reason: this.failure ?? 'not used' };
  }
}

export class FullTextBulkLoad {
  /** Marks this load's transactions (papers_fts_deferred.writer); 1 is the non-bulk writer's. */
  readonly owner = 2 + Math.floor(Math.random() * 2 ** 30);
  private range?: PendingRange;
  private firstFromSeq?: number;
  private ops: FtsOp[] = [];
  private readonly autocheckpoint: number;
  /** DOIs and title keys of every stored paper while the lookup indexes are dropped (see ownKeys()). */
  private keys?: KeyHashTable;

  private constructor(
    private readonly sqlite: SQLite.Database,
    private builder: FtsBuilder | undefined,
  ) {
    this.autocheckpoint = sqlite.pragma('wal_autocheckpoint', { simple: true }) as number;
    sqlite.pragma(`wal_autocheckpoint = ${Math.max(this.autocheckpoint, BULK_WAL_AUTOCHECKPOINT)}`);
  }

  /** A bulk load on `handle`, or undefined where there is nothing to gain (PostgreSQL, in-memory databases). */
  static start(handle: DatabaseHandle): FullTextBulkLoad | undefined {
    const sqlite = handle.sqlite;
    if (handle.dialect !== 'sqlite' || !sqlite || sqlite.memory) return undefined;
    const load = new FullTextBulkLoad(sqlite, undefined);
    const empty = sqlite.transaction(() => {
      if (sqlite.prepare('SELECT 1 FROM papers LIMIT 1').get() || pendingRange(sqlite)) return false;
      // Without migration 011's trigger (a database migrated past 11 before it existed) the indexes stay.
      if (keyChangesFlagged(sqlite)) dropLookupIndexes(sqlite);
      return true;
    });
    if (empty.immediate()) {
      load.builder = new FtsBuilder({ mainPath: sqlite.name, scratchPath: scratchPathFor(sqlite, load.owner) });
      if (keyChangesFlagged(sqlite)) load.keys = new KeyHashTable();
    }
    return load;
  }

  /** The table to add written papers' keys to (checked once per batch by ownKeys()). */
  get keyTable(): KeyHashTable | undefined {
    return this.keys;
  }

  /**
   * Inside a write transaction, at the start of a batch: while the catalogue
   * holds only this load's papers, the table of their DOIs and title keys
   * (which the writer keeps up to date) stands in for the dropped indexes.
   * Once anyone else has written papers (or taken the pending range), the
   * indexes are created again, here, and lookups go back to them.
   */
  ownKeys(): KeyHashTable | undefined {
    if (!this.keys) return undefined;
    const range = pendingRange(this.sqlite);
    const alone =
      this.firstFromSeq === undefined
        ? !range && !this.sqlite.prepare('SELECT 1 FROM papers LIMIT 1').get()
        : range !== undefined && range.owner === this.owner && range.fromSeq === this.firstFromSeq && !range.externalWrites;
    if (!alone) {
      ensureLookupIndexes(this.sqlite);
      this.keys = undefined;
    }
    return this.keys;
  }

  /** Inside a write transaction, before this load writes papers: the marker, and this transaction marked as ours. */
  beginWrite(): void {
    const range = markPending(this.sqlite, this.owner);
    this.range = range;
    if (range.owner !== this.owner || (this.firstFromSeq !== undefined && range.fromSeq !== this.firstFromSeq)) this.dropBuilder();
    else this.firstFromSeq ??= range.fromSeq;
  }

  /** Before the transaction commits. */
  endWrite(): void {
    unmarkTransaction(this.sqlite, this.owner);
  }

  /** Papers this transaction inserted, in ascending order; the worker reads them from the table once committed. */
  added(seqs: readonly number[]): void {
    if (!this.builder) return;
    let from = -1;
    for (let i = 0; i < seqs.length; i++) {
      const seq = seqs[i]!;
      if (!this.inOwnRange(seq)) continue;
      if (from < 0) from = seq;
      if (seqs[i + 1] !== seq + 1) {
        this.ops.push(['add', from, seq]);
        from = -1;
      }
    }
  }

  /**
   * Before this transaction rewrites paper `seq`: the worker reads added papers
   * from the table, so it must have read this one (as it was when added)
   * before the new values commit, or its 'replace' would delete terms it never
   * indexed.
   */
  async beforeUpdate(seq: number): Promise<void> {
    if (this.builder && this.inOwnRange(seq)) await this.builder.drain();
  }

  replaced(seq: number, before: FullTextValues, after: FullTextValues): void {
    if (this.builder && this.inOwnRange(seq)) this.ops.push(['replace', seq, before, after]);
  }

  /** The transaction committed: its index entries go to the builder. */
  async committed(): Promise<void> {
    const ops = this.ops;
    this.ops = [];
    if (this.builder && ops.length > 0) await this.builder.send(ops);
  }

  rolledBack(): void {
    this.ops = [];
  }

  /** Indexes everything pending; returns once every committed paper is searchable. */
  async finish(): Promise<BulkLoadResult> {
    const started = performance.now();
    let builtAside = false;
    let reason: string | undefined;
    // The builder indexes its last batches while this thread builds the lookup indexes.
    const building = this.builder && (this.firstFromSeq === undefined ? this.builder.stop() : this.builder.finish(this.owner, this.firstFromSeq));
    try {
      this.keys = undefined;
      ensureLookupIndexes(this.sqlite);
    } finally {
      // (Should that fail, the next start or ingest creates them: repairFullTextIndex.)
      if (building) {
        const reply = await building;
        builtAside = reply.copied;
        reason = reply.reason;
        this.builder = undefined;
      }
    }
    this.sqlite.pragma(`wal_autocheckpoint = ${this.autocheckpoint}`);
    // Whoever's marker it is, the papers this load committed may be in it.
    const caughtUp = pendingRange(this.sqlite) ? catchUpFullText(this.sqlite) : 0;
    return { builtAside, caughtUp, reason, finishSeconds: (performance.now() - started) / 1000 };
  }

  private inOwnRange(seq: number): boolean {
    return this.range !== undefined && this.range.owner === this.owner && seq >= this.range.fromSeq;
  }

  private dropBuilder(): void {
    if (!this.builder) return;
    void this.builder.stop();
    this.builder = undefined;
    this.ops = [];
  }
}
