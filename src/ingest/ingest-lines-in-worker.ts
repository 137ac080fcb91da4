/**
 * Streams a local line-format file through line-parse-worker.ts: the worker
 * parses, this thread applies each batch in its own transaction and hands
 * back a credit, so parsing and database writes overlap on two cores.
 */
import { Worker } from 'node:worker_threads';
import type { FullTextBulkLoad } from '../catalogue/fts-build.js';
import type { PaperRecord } from '../catalogue/paper.js';
import { workerScript } from '../config/worker-script.js';
import type { DatabaseHandle } from '../db/connection.js';
import { addCounts, applyInTransaction, emptyCounts, type IngestCounts, type RejectionReporter } from './ingest-batches.js';
import type { LineParseJob, LineParseMessage } from './line-parse-worker.js';
import type { ProgressReporter } from './progress.js';

export interface WorkerIngestOptions {
  batchSize: number;
  progress: ProgressReporter;
  rejections: RejectionReporter;
  /** Defers full-text indexing to this bulk load (its caller finishes it). */
  bulk?: FullTextBulkLoad;
}

export function ingestLinesInWorker(handle: DatabaseHandle, job: Omit<LineParseJob, 'batchSize'>, opts: WorkerIngestOptions): Promise<IngestCounts> {
  const counts = emptyCounts();
  let seen = 0;
  const worker = new Worker(workerScript(new URL('./line-parse-worker.js', import.meta.url)), { workerData: { ...job, batchSize: opts.batchSize } satisfies LineParseJob });
  return new Promise<IngestCounts>((resolve, reject) => {
    let finished = false;
    let chain = Promise.resolve();
    const fail = (error: unknown) => {
      if (finished) return;
      finished = true;
      void worker.terminate();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const handle_ = async (message: LineParseMessage) => {
      if (message.type === 'done') {
        finished = true;
        resolve(counts);
        return;
      }
      const records: PaperRecord[] = [];
      for (const item of message.items) {
        seen++;
        if (item.kind === 'record') records.push(item.record);
        else {
          counts.rejected++;
          opts.rejections.report(item);
        }
      }
      addCounts(counts, await applyInTransaction(handle, records, opts.batchSize, undefined, opts.bulk));
      opts.progress.update(seen, message.bytes);
      worker.postMessage('ack');
    };
    // Messages are handled strictly in order, one transaction at a time.
    worker.on('message', (message: LineParseMessage) => {
      chain = chain.then(() => handle_(message)).catch(fail);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      void chain.then(() => {
        if (!finished) fail(new Error(`${job.origin}: the parser stopped unexpectedly (exit code ${code})`));
      });
    });
  });
}
