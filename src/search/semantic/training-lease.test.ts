/**
 * Two instances' search services over one database: one trains the semantic
 * model, the other follows it instead of training its own, and neither embeds
 * papers with a model that is no longer the active one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDialectContext, DIALECTS } from '../../../test/dialects.js';
import { DEMO_CORPUS_PATH } from '../../config/paths.js';
import { openDatabase } from '../../db/connection.js';
import { acquireLease, releaseLease } from '../../jobs/leases.js';
import { ingestSource } from '../../ingest/run-ingest.js';
import { openSearch } from '../open-search.js';
import type { SearchService } from '../search-service.js';
import { TRAINING_LEASE } from './training-lease.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(DIALECTS)('semantic model training by one of several instances on $name', (dialect) => {
  async function twoInstances() {
    const ctx = await createDialectContext(dialect);
    cleanups.push(() => ctx.dispose());
    await ingestSource(ctx.database, DEMO_CORPUS_PATH, { format: 'seed', http: ctx.http, log: () => {} });
    const other = await openDatabase(ctx.dbPath);
    cleanups.push(() => other.close());
    const open = async (database: typeof other): Promise<SearchService> => {
      const search = await openSearch(database);
      cleanups.push(() => search.close());
      return search;
    };
    return { ctx, a: await open(ctx.database), b: await open(other) };
  }

  async function semanticModels(db: Parameters<typeof acquireLease>[0]): Promise<string[]> {
    const rows = await db.selectFrom('search_models').select('id').where('kind', '!=', 'vocabulary').execute();
    return rows.map((r) => r.id);
  }

  it('one trains; the other loads its model instead of training one', async () => {
    const { ctx, a, b } = await twoInstances();
    await a.refresh();
    const [model] = await semanticModels(ctx.database.db);
    expect(model).toBeDefined();
    await b.refresh();
    expect(await semanticModels(ctx.database.db)).toEqual([model]);
    const query = { q: 'draft tokens cheaply and verify them with the big model', limit: 5, offset: 0, mode: 'semantic' as const };
    const [fromA, fromB] = [await a.search(query), await b.search(query)];
    expect(fromB.results.length).toBeGreaterThan(0);
    expect(fromB.results.map((r) => r.id)).toEqual(fromA.results.map((r) => r.id));
  });

  it('does not train while another instance holds the training lease, and follows that model later', async () => {
    const { ctx, a, b } = await twoInstances();
    // B's instance is training elsewhere: A must not start a second training.
    expect(await acquireLease(ctx.database.db, TRAINING_LEASE, 'someone-else', 60_000)).toBe(true);
    await a.refresh();
    expect(await semanticModels(ctx.database.db)).toEqual([]);
    await releaseLease(ctx.database.db, TRAINING_LEASE, 'someone-else');
    await b.refresh();
    const models = await semanticModels(ctx.database.db);
    expect(models).toHaveLength(1);
    await a.refresh();
    expect(await semanticModels(ctx.database.db)).toEqual(models);
    const query = { q: 'speculative decoding', limit: 3, offset: 0, mode: 'semantic' as const };
    expect((await a.search(query)).results.map((r) => r.id)).toEqual((await b.search(query)).results.map((r) => r.id));
  });
});
