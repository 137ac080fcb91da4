/**
 * Worker thread for `paperboy ingest` of large line-format files: reading,
 * JSON parsing and cleaning run here, on the second core, while the main
 * thread writes the previous batch to the database. Batches go to the main
 * thread in order; at most a few are in flight (credits), so a fast parser
 * never piles a multi-GB file up in memory.
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ParsedItem } from '../catalogue/paper.js';
import { parseKaggleSnapshot } from './formats/kaggle-snapshot.js';
import { parseSeedPage } from './formats/seed-page.js';
import { readLines } from './source-input.js';

export interface LineParseJob {
  path: string;
  origin: string;
  format: 'seed' | 'kaggle';
  batchSize: number;
}

export type LineParseMessage = { type: 'items'; items: ParsedItem[]; bytes: number } | { type: 'done'; bytes: number };

export const MAX_BATCHES_IN_FLIGHT = 3;

async function run(job: LineParseJob): Promise<void> {
  const port = parentPort!;
  let credits = MAX_BATCHES_IN_FLIGHT;
  let wake: (() => void) | undefined;
  port.on('message', () => {
    credits++;
    wake?.();
  });
  const stream = createReadStream(job.path);
  let bytes = 0;
  stream.on('data', (chunk) => (bytes += chunk.length));
  const lines = readLines(stream);
  const items = job.format === 'seed' ? parseSeedPage(lines, job.origin) : parseKaggleSnapshot(lines, job.origin);
  let batch: ParsedItem[] = [];
  const send = async () => {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    port.postMessage({ type: 'items', items: batch, bytes } satisfies LineParseMessage);
    batch = [];
  };
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= job.batchSize) await send();
  }
  if (batch.length > 0) await send();
  port.postMessage({ type: 'done', bytes } satisfies LineParseMessage);
  port.close();
}

if (parentPort) await run(workerData as LineParseJob);
