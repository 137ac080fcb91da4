/**
 * Worker thread that runs the keyword passes' full-text scans on a read-only
 * connection of its own (see fts-scanner.ts): on the second core, while the
 * main thread searches the semantic index for the same query.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

export interface FtsScanJob {
  path: string;
}

export type FtsScanRequest = { id: number; sql: string; params: Record<string, unknown> };
export type FtsScanReply = { type: 'ready' } | { type: 'seqs'; id: number; seqs: number[] } | { type: 'error'; id: number; message: string };

function run(job: FtsScanJob): void {
  const port = parentPort!;
  const db = new SQLite(job.path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  const statements = new Map<string, SQLite.Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql).pluck()));
    return statement;
  };
  port.on('message', (request: FtsScanRequest) => {
    try {
      const seqs = prepared(request.sql).all(request.params) as number[];
      port.postMessage({ type: 'seqs', id: request.id, seqs } satisfies FtsScanReply);
    } catch (error) {
      port.postMessage({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) } satisfies FtsScanReply);
    }
  });
  port.postMessage({ type: 'ready' } satisfies FtsScanReply);
}

if (parentPort) run(workerData as FtsScanJob);
