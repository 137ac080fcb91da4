/**
 * The spelling vocabulary when several instances refresh it at once (each
 * server refreshes search every minute): the words of each paper are counted
 * once, whoever gets there first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDialectContext, DIALECTS } from '../../../test/dialects.js';
import type { TempContext } from '../../../test/support/temp-context.js';
import { DEMO_CORPUS_PATH } from '../../config/paths.js';
import { openDatabase, type DatabaseHandle } from '../../db/connection.js';
import { ingestSource } from '../../ingest/run-ingest.js';
import { loadVocabulary, rebuildVocabulary, updateVocabulary } from './vocabulary-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(DIALECTS)('the spelling vocabulary on $name', (dialect) => {
  async function twoInstances(): Promise<[TempContext, DatabaseHandle]> {
    const ctx = await createDialectContext(dialect);
    cleanups.push(() => ctx.dispose());
    await ingestSource(ctx.database, DEMO_CORPUS_PATH, { format: 'seed', http: ctx.http, log: () => {} });
    const other = await openDatabase(ctx.dbPath);
    cleanups.push(() => other.close());
    return [ctx, other];
  }

  it('counts each paper once when two instances update it at the same moment', async () => {
    const [ctx, other] = await twoInstances();
    const added = await Promise.all([updateVocabulary(ctx.database.db), updateVocabulary(other.db)]);
    // One of them found the watermark moved and added nothing.
    expect(added.filter((n) => n > 0)).toHaveLength(1);
    const concurrent = await loadVocabulary(ctx.database.db, 1, 1_000_000);
    await rebuildVocabulary(ctx.database.db);
    const exact = await loadVocabulary(ctx.database.db, 1, 1_000_000);
    expect(exact.length).toBeGreaterThan(1000);
    expect(new Map(concurrent)).toEqual(new Map(exact));
    // Nothing new: nothing to add, by either.
    expect(await Promise.all([updateVocabulary(ctx.database.db), updateVocabulary(other.db)])).toEqual([0, 0]);
  });
});
