/**
 * `paperboy ingest`: reads one source (file, stdin or URL), detects its format,
 * and stores its papers. Document formats (XML, JSON) are applied a page at a
 * time in one transaction each, so a truncated page stores nothing; line
 * formats are streamed in transactional batches, so multi-GB dumps run in
 * constant memory.
 */
import { FullTextBulkLoad, type BulkLoadResult } from '../catalogue/fts-build.js';
import type { PaperRecord } from '../catalogue/paper.js';
import { repairFullTextIndex } from '../catalogue/sqlite-fts-pending.js';
import type { Executor } from '../catalogue/paper-store.js';
import type { DatabaseHandle } from '../db/connection.js';
import { detectFormat } from './detect.js';
import type { HttpClient } from './fetch/http-client.js';
import { FORMAT_NAMES, type FormatName } from './formats/document.js';
import { parseKaggleSnapshot } from './formats/kaggle-snapshot.js';
import { parseSeedPage } from './formats/seed-page.js';
import { addCounts, applyInTransaction, emptyCounts, partition, RejectionReporter, type IngestCounts } from './ingest-batches.js';
import { ingestLinesInWorker } from './ingest-lines-in-worker.js';
import { fetchPages, parseDocument, type ParsedDocument } from './paged-documents.js';
import { quietProgress, type ProgressReporter } from './progress.js';
import { isUrl, openLocalInput, peekStream, readAll, readLines, type OpenedInput } from './source-input.js';

export class IngestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestError';
  }
}

export interface IngestOptions {
  format?: FormatName;
  http: HttpClient;
  /** Records per transaction for streamed formats. */
  batchSize?: number;
  /** Stop following pages after this many (URL sources). */
  maxPages?: number;
  progress?: ProgressReporter;
  /** Creates a progress reporter once the input's size is known. */
  makeProgress?: (totalBytes: number | undefined) => ProgressReporter;
  log?: (message: string) => void;
  /**
   * Local line-format files at least this big are loaded in bulk: papers are
   * indexed for search at the end of the run instead of batch by batch (SQLite).
   */
  bulkMinBytes?: number;
}

// About 15,000 Kaggle records: below that, per-batch indexing costs little.
export const DEFAULT_BULK_MIN_BYTES = 32 * 1024 * 1024;

export interface IngestSummary extends IngestCounts {
  origin: string;
  format: FormatName;
  pages: number;
  seconds: number;
  /** How a bulk load indexed its papers, when the run was one. */
  bulkLoad?: BulkLoadResult;
}

const LINE_FORMATS: ReadonlySet<FormatName> = new Set(['seed', 'kaggle']);

function isLocalFile(source: string): boolean {
  return source !== '-' && !isUrl(source);
}

async function openInput(source: string, http: HttpClient): Promise<OpenedInput> {
  if (!isUrl(source)) return openLocalInput(source);
  // arXiv's API answers a bad query with HTTP 400 and an Atom error feed worth reading.
  const response = await http.fetchStream(source, { acceptStatuses: [400] });
  return peekStream(response.body, source, response.contentLength);
}

function resolveFormat(input: OpenedInput, requested: FormatName | undefined): FormatName {
  if (requested) {
    if (!FORMAT_NAMES.includes(requested)) throw new IngestError(`unknown format "${requested}"; expected one of ${FORMAT_NAMES.join(', ')}`);
    return requested;
  }
  if (input.head.trim() === '') throw new IngestError(`${input.origin}: the input is empty`);
  const detected = detectFormat(input.head);
  if (!detected) {
    throw new IngestError(
      `${input.origin}: not a format Paperboy knows (expected ${FORMAT_NAMES.join(', ')}); pass --format to force one`,
    );
  }
  return detected;
}

function lineParser(format: FormatName, lines: AsyncIterable<string>, origin: string) {
  return format === 'seed' ? parseSeedPage(lines, origin) : parseKaggleSnapshot(lines, origin);
}

async function ingestLines(handle: DatabaseHandle, input: OpenedInput, format: FormatName, opts: Required<Pick<IngestOptions, 'batchSize'>> & { progress: ProgressReporter; rejections: RejectionReporter }): Promise<IngestCounts> {
  const counts = emptyCounts();
  let batch: PaperRecord[] = [];
  let seen = 0;
  const flush = async () => {
    addCounts(counts, await applyInTransaction(handle, batch, opts.batchSize));
    batch = [];
    opts.progress.update(seen, input.bytesRead());
  };
  for await (const item of lineParser(format, readLines(input.stream), input.origin)) {
    seen++;
    if (item.kind === 'rejected') {
      counts.rejected++;
      opts.rejections.report(item);
      continue;
    }
    batch.push(item.record);
    if (batch.length >= opts.batchSize) await flush();
  }
  await flush();
  return counts;
}

/** Stores one parsed page in one transaction; a page the source marked as an error stores nothing. */
export async function storeDocument(
  handle: DatabaseHandle,
  page: ParsedDocument,
  batchSize: number,
  rejections: RejectionReporter,
  alsoInTransaction?: (trx: Executor) => Promise<void>,
): Promise<IngestCounts> {
  if (page.fatal) throw new IngestError(page.fatal);
  if (page.notice) rejections.note(page.notice);
  const { records, rejected } = partition(page.items, rejections);
  const counts = await applyInTransaction(handle, records, batchSize, alsoInTransaction);
  counts.rejected += rejected;
  return counts;
}

export async function ingestSource(handle: DatabaseHandle, source: string, options: IngestOptions): Promise<IngestSummary> {
  const started = Date.now();
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const batchSize = options.batchSize ?? 2000;
  // Papers a bulk load that died left unindexed are indexed first.
  repairFullTextIndex(handle);
  const input = await openInput(source, options.http);
  let format: FormatName;
  try {
    format = resolveFormat(input, options.format);
  } catch (error) {
    input.stream.destroy();
    throw error;
  }
  const progress = options.progress ?? options.makeProgress?.(input.size) ?? quietProgress(log);
  const rejections = new RejectionReporter((m) => progress.log(m));
  const counts = emptyCounts();
  let pages = 1;
  let bulkLoad: BulkLoadResult | undefined;
  try {
    if (LINE_FORMATS.has(format) && isLocalFile(source)) {
      // Large local dumps: parse on the second core while this thread writes.
      input.stream.destroy();
      const job = { path: source, origin: input.origin, format: format as 'seed' | 'kaggle' };
      const bulk = (input.size ?? 0) >= (options.bulkMinBytes ?? DEFAULT_BULK_MIN_BYTES) ? FullTextBulkLoad.start(handle) : undefined;
      try {
        addCounts(counts, await ingestLinesInWorker(handle, job, { batchSize, progress, rejections, bulk }));
      } finally {
        // Also after a failure: what was committed becomes searchable before the command returns.
        bulkLoad = await bulk?.finish();
      }
    } else if (LINE_FORMATS.has(format)) {
      addCounts(counts, await ingestLines(handle, input, format, { batchSize, progress, rejections }));
    } else if (isUrl(source) && (format === 'arxiv-atom' || format === 'arxiv-oai')) {
      const first = parseDocument(format, await readAll(input.stream), source);
      pages = await fetchPages(source, format, first, {
        http: options.http,
        maxPages: options.maxPages,
        onPage: async (doc) => {
          addCounts(counts, await storeDocument(handle, doc, batchSize, rejections));
          progress.update(counts.new + counts.updated + counts.unchanged + counts.rejected, input.bytesRead());
        },
        log: (m) => progress.log(m),
      });
    } else {
      const doc = parseDocument(format, await readAll(input.stream), input.origin);
      addCounts(counts, await storeDocument(handle, doc, batchSize, rejections));
    }
  } finally {
    progress.stop();
  }
  return { ...counts, origin: input.origin, format, pages, seconds: (Date.now() - started) / 1000, bulkLoad };
}
