/**
 * Runs the keyword passes' full-text scans (statements returning paper seqs).
 * A search spends most of its time in one FTS5 scan, on one core, while the
 * machine has at least two: in a worker thread with its own read-only
 * connection, the scan runs while the main thread searches the semantic
 * index for the same query (search-service.ts starts both).
 *
 * The worker is started on first use and scans run on the main connection
 * until it is ready, so no search waits for it; should it fail or exit, the
 * scans in flight are run again on the main connection (they only read) and
 * later ones stay there. An in-memory database has no file for a second
 * connection to open: its scans always run inline.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { workerScript } from '../../config/worker-script.js';
import type { FtsScanJob, FtsScanReply, FtsScanRequest } from './fts-scan-worker.js';

type Params = Record<string, unknown>;

interface Pending {
  sql: string;
  params: Params;
  resolve: (seqs: number[]) => void;
  reject: (error: Error) => void;
}

export class FtsScanner {
  private readonly statements = new Map<string, Database.Statement>();
  private worker?: Worker;
  private ready = false;
  private failed: boolean;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly sqlite: Database.Database,
    options: { useWorker?: boolean } = {},
  ) {
    this.failed = options.useWorker === false || sqlite.memory || sqlite.name === '';
  }

  /** The seqs a statement returns (its first column), in its order. */
  scan(sql: string, params: Params): number[] | Promise<number[]> {
    if (!this.failed) this.start();
    if (!this.ready || this.failed) return this.scanInline(sql, params);
    const id = this.nextId++;
    return new Promise<number[]>((resolve, reject) => {
      this.pending.set(id, { sql, params, resolve, reject });
      // A worker with work in flight keeps the process alive; an idle one does not (see start()).
      if (this.pending.size === 1) this.worker!.ref();
      this.worker!.postMessage({ id, sql, params } satisfies FtsScanRequest);
    });
  }

  /** Whether scans currently run in the worker (tests, diagnostics). */
  get inWorker(): boolean {
    return this.ready && !this.failed;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.failed = true;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.settleInline();
  }

  private scanInline(sql: string, params: Params): number[] {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.sqlite.prepare(sql).pluck()));
    return statement.all(params) as number[];
  }

  private start(): void {
    if (this.worker) return;
    const worker = new Worker(workerScript(new URL('./fts-scan-worker.js', import.meta.url)), { workerData: { path: this.sqlite.name } satisfies FtsScanJob });
    this.worker = worker;
    worker.unref();
    worker.on('message', (reply: FtsScanReply) => this.onReply(reply));
    worker.on('error', () => this.fail());
    worker.on('exit', () => this.fail());
  }

  private onReply(reply: FtsScanReply): void {
    if (reply.type === 'ready') {
      this.ready = true;
      return;
    }
    const request = this.pending.get(reply.id);
    if (!request) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.type === 'seqs') request.resolve(reply.seqs);
    else request.reject(new Error(reply.message));
  }

  private fail(): void {
    if (this.failed && !this.worker) return;
    this.failed = true;
    this.worker = undefined;
    this.settleInline();
  }

  /** Answers the scans in flight on the main connection. */
  private settleInline(): void {
    for (const [id, request] of this.pending) {
      this.pending.delete(id);
      try {
        request.resolve(this.scanInline(request.sql, request.params));
      } catch (error) {
        request.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }
}
