/**
 * The full-text scans of keyword search run in a worker thread with its own
 * read-only connection: same answers as on the main connection, inline until
 * the worker is ready, and inline again should the worker fail. Real SQLite
 * files with the demo corpus in FTS5.
 */
import { renameSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempContext, type TempContext } from '../../../test/support/temp-context.js';
import { until } from '../../../test/support/until.js';
import { DEMO_CORPUS_PATH } from '../../config/paths.js';
import { openDatabase } from '../../db/connection.js';
import { ingestSource } from '../../ingest/run-ingest.js';
import { FtsScanner } from './fts-scanner.js';

const SCANS: Array<[string, Record<string, unknown>]> = [
  ['SELECT rowid FROM papers_fts WHERE papers_fts MATCH @match ORDER BY rowid DESC LIMIT @limit', { match: 'model', limit: 50 }],
  ['SELECT rowid FROM papers_fts WHERE papers_fts MATCH @match ORDER BY rowid DESC LIMIT @limit', { match: '"speculative decoding"', limit: 10 }],
  ['SELECT rowid FROM papers_fts WHERE papers_fts MATCH @match LIMIT @limit', { match: 'nothingmatchesthis', limit: 10 }],
];

describe('FtsScanner', () => {
  let ctx: TempContext;
  let scanner: FtsScanner | undefined;

  beforeEach(async () => {
    ctx = await createTempContext();
    await ingestSource(ctx.database, DEMO_CORPUS_PATH, { format: 'seed', http: ctx.http, log: () => {} });
  });
  afterEach(async () => {
    await scanner?.close();
    await ctx.dispose();
  });

  const inline = (sql: string, params: Record<string, unknown>) => ctx.database.sqlite!.prepare(sql).pluck().all(params) as number[];

  it('answers on the main connection until the worker is ready, then in the worker, the same', async () => {
    scanner = new FtsScanner(ctx.database.sqlite!);
    const first = scanner.scan(SCANS[0]![0], SCANS[0]![1]);
    expect(Array.isArray(first)).toBe(true);
    await until(() => scanner!.inWorker, 10_000);
    for (const [sql, params] of SCANS) {
      const answer = scanner.scan(sql, params);
      expect(answer).toBeInstanceOf(Promise);
      expect(await answer).toEqual(inline(sql, params));
    }
    expect(inline(SCANS[0]![0], SCANS[0]![1])).toHaveLength(50);
  });

  it('reports a bad statement as an error', async () => {
    scanner = new FtsScanner(ctx.database.sqlite!);
    // The first scan starts the worker.
    scanner.scan(SCANS[0]![0], SCANS[0]![1]);
    await until(() => scanner!.inWorker, 10_000);
    await expect(scanner.scan('SELECT rowid FROM papers_fts WHERE papers_fts MATCH @match', { match: '"unterminated' })).rejects.toThrow(/unterminated string/);
  });

  it('stays on the main connection when the worker cannot open the database', async () => {
    const path = ctx.database.sqlite!.name;
    // The main connection keeps its open file; a new connection finds nothing at the path.
    renameSync(path, `${path}.moved`);
    try {
      scanner = new FtsScanner(ctx.database.sqlite!);
      scanner.scan(SCANS[0]![0], SCANS[0]![1]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(scanner.inWorker).toBe(false);
      expect(await scanner.scan(SCANS[0]![0], SCANS[0]![1])).toHaveLength(50);
    } finally {
      renameSync(`${path}.moved`, path);
    }
  });

  it('never starts a worker for an in-memory database', async () => {
    const memory = await openDatabase(':memory:');
    try {
      scanner = new FtsScanner(memory.sqlite!);
      expect(scanner.scan('SELECT 1', {})).toEqual([1]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(scanner.inWorker).toBe(false);
    } finally {
      await memory.close();
    }
  });
});
