/**
 * The generation number of trending's inputs, in the `change_counters` table
 * (migration 009). Whoever changes what rankings are computed from — a vote,
 * a harvest bringing Hugging Face upvotes, a GitHub star poll — bumps it, and
 * every instance's TrendingService compares it with the generation its cached
 * rankings were computed at: a vote cast through one instance is counted by
 * the next ranking of every other instance too, not a TTL later.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

const NAME = 'trending-activity';

// A type alias, not an interface: withTables() needs the implicit index signature.
type CounterTables = { change_counters: { name: string; generation: number } };

function counters(db: Kysely<Database>): Kysely<Database & CounterTables> {
  return db.withTables<CounterTables>();
}

export async function activityGeneration(db: Kysely<Database>): Promise<number> {
  const row = await counters(db).selectFrom('change_counters').select('generation').where('name', '=', NAME).executeTakeFirst();
  return Number(row?.generation ?? 0);
}

export async function bumpActivityGeneration(db: Kysely<Database>): Promise<void> {
  await counters(db)
    .insertInto('change_counters')
    .values({ name: NAME, generation: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet({ generation: sql`change_counters.generation + 1` }))
    .execute();
}
