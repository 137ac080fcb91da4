/** Where each harvest source stopped, so the next run resumes without gaps. */
import type { Selectable } from 'kysely';
import type { Executor } from '../../catalogue/paper-store.js';
import type { HarvestStateTable } from '../../db/schema.js';

export type HarvestState = Selectable<HarvestStateTable>;

export async function getHarvestState(db: Executor, key: string): Promise<HarvestState | undefined> {
  return db.selectFrom('harvest_state').selectAll().where('source_key', '=', key).executeTakeFirst();
}

export async function listHarvestStates(db: Executor): Promise<HarvestState[]> {
  return db.selectFrom('harvest_state').selectAll().orderBy('source_key').execute();
}

async function upsert(db: Executor, key: string, values: Partial<Omit<HarvestState, 'source_key'>>): Promise<void> {
  await db
    .insertInto('harvest_state')
    .values({ source_key: key, consecutive_failures: 0, ...values })
    .onConflict((oc) => oc.column('source_key').doUpdateSet(values))
    .execute();
}

export async function saveCheckpoint(db: Executor, key: string, checkpoint: unknown, harvestedUntil?: string | null): Promise<void> {
  const values: Partial<HarvestState> = { checkpoint: checkpoint === null ? null : JSON.stringify(checkpoint) };
  if (harvestedUntil !== undefined) values.harvested_until = harvestedUntil;
  await upsert(db, key, values);
}

export async function markHarvestAttempt(db: Executor, key: string): Promise<void> {
  await upsert(db, key, { last_attempt_at: new Date().toISOString() });
}

export async function markHarvestSuccess(db: Executor, key: string, opts: { harvestedUntil: string | null }): Promise<void> {
  const now = new Date().toISOString();
  await upsert(db, key, {
    checkpoint: null,
    harvested_until: opts.harvestedUntil,
    last_attempt_at: now,
    last_success_at: now,
    last_error: null,
    consecutive_failures: 0,
  });
}

export async function markHarvestFailure(db: Executor, key: string, error: string): Promise<void> {
  const current = await getHarvestState(db, key);
  await upsert(db, key, {
    last_attempt_at: new Date().toISOString(),
    last_error: error.slice(0, 2000),
    consecutive_failures: (current?.consecutive_failures ?? 0) + 1,
  });
}
