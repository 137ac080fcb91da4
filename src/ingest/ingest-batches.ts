/**
 * Turns parsed items into catalogue writes: rejections are reported and
 * counted, records are applied in transactional batches.
 */
import { applyRecords } from '../catalogue/apply-records.js';
import { batchWriterFor } from '../catalogue/batch-writer.js';
import type { FullTextBulkLoad } from '../catalogue/fts-build.js';
import type { ParsedItem, PaperRecord } from '../catalogue/paper.js';
import type { Executor } from '../catalogue/paper-store.js';
import type { DatabaseHandle } from '../db/connection.js';

export interface IngestCounts {
  new: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export function emptyCounts(): IngestCounts {
  return { new: 0, updated: 0, unchanged: 0, rejected: 0 };
}

export function addCounts(into: IngestCounts, more: Partial<IngestCounts>): void {
  into.new += more.new ?? 0;
  into.updated += more.updated ?? 0;
  into.unchanged += more.unchanged ?? 0;
  into.rejected += more.rejected ?? 0;
}

export function formatCounts(c: IngestCounts): string {
  return `${c.new} new, ${c.updated} updated, ${c.unchanged} unchanged, ${c.rejected} rejected`;
}

// Past this many, individual rejections are only counted: a broken multi-GB
// file must not bury the terminal.
export const MAX_REJECTIONS_SHOWN = 200;

export class RejectionReporter {
  private shown = 0;
  constructor(private readonly log: (message: string) => void) {}

  /** A notice about the source that is not a rejection (e.g. OAI-PMH noRecordsMatch). */
  note(message: string): void {
    this.log(message);
  }

  report(item: Extract<ParsedItem, { kind: 'rejected' }>): void {
    this.shown++;
    if (this.shown <= MAX_REJECTIONS_SHOWN) this.log(`skipped ${item.where}: ${item.reason}`);
    else if (this.shown === MAX_REJECTIONS_SHOWN + 1) this.log(`further rejections are counted but not shown`);
  }
}

/**
 * Applies records in one transaction: all of them land, or none. `alsoInTransaction`
 * commits with them (a harvest checkpoint), so a crash never separates the two.
 * Within a bulk load, the papers are indexed for search when the load finishes.
 */
export async function applyInTransaction(
  handle: DatabaseHandle,
  records: PaperRecord[],
  batchSize: number,
  alsoInTransaction?: (trx: Executor) => Promise<void>,
  bulk?: FullTextBulkLoad,
): Promise<IngestCounts> {
  const counts = emptyCounts();
  if (records.length === 0 && !alsoInTransaction) return counts;
  const now = new Date().toISOString();
  try {
    await handle.db.transaction().execute(async (trx) => {
      const writer = batchWriterFor(handle, trx, bulk);
      for (let i = 0; i < records.length; i += batchSize) {
        addCounts(counts, await applyRecords(trx, records.slice(i, i + batchSize), now, writer));
      }
      await alsoInTransaction?.(trx);
    });
  } catch (error) {
    bulk?.rolledBack();
    throw error;
  }
  await bulk?.committed();
  return counts;
}

/** Splits a page of items into records to apply and rejections to report. */
export function partition(items: ParsedItem[], rejections: RejectionReporter): { records: PaperRecord[]; rejected: number } {
  const records: PaperRecord[] = [];
  let rejected = 0;
  for (const item of items) {
    if (item.kind === 'record') records.push(item.record);
    else {
      rejected++;
      rejections.report(item);
    }
  }
  return { records, rejected };
}
