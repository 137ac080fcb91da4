/** Picks the catalogue's batch writer for a database: SQLite's own, or the dialect-neutral Kysely one. */
import type { DatabaseHandle } from '../db/connection.js';
import type { FullTextBulkLoad } from './fts-build.js';
import { kyselyBatchWriter, type BatchWriter, type Executor } from './paper-store.js';
import { SqliteBatchWriter } from './sqlite-batch-writer.js';

/**
 * `trx` must be a transaction on `handle`: the SQLite writer uses the same
 * connection directly. `bulk` (SQLite only) defers full-text indexing to a bulk load.
 */
export function batchWriterFor(handle: DatabaseHandle, trx: Executor, bulk?: FullTextBulkLoad): BatchWriter {
  return handle.dialect === 'sqlite' && handle.sqlite ? new SqliteBatchWriter(handle.sqlite, bulk) : kyselyBatchWriter(trx);
}
