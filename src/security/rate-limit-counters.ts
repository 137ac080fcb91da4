/**
 * Fixed-window request counters in the database (migration 009), shared by
 * every instance on it: one statement per request increments the key's
 * counter, starting a new window when the old one has ended, and returns the
 * count and the window's end. The same SQL runs on SQLite and PostgreSQL.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

// A type alias, not an interface: withTables() needs the implicit index signature.
type CounterTables = {
  rate_limit_counters: { key: string; hits: number; window_ends_at: number | string };
};

function counters(db: Kysely<Database>): Kysely<Database & CounterTables> {
  return db.withTables<CounterTables>();
}

export interface WindowCount {
  /** Requests counted in the current window, this one included. */
  hits: number;
  /** When the current window ends (epoch ms). */
  windowEndsAt: number;
}

/** Counts one request for `key` in a window of `windowMs`. */
export async function countHit(db: Kysely<Database>, key: string, windowMs: number, now = Date.now()): Promise<WindowCount> {
  const expired = sql<boolean>`rate_limit_counters.window_ends_at <= ${now}`;
  const row = await counters(db)
    .insertInto('rate_limit_counters')
    .values({ key, hits: 1, window_ends_at: now + windowMs })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        // Both expressions read the row as it was: an ended window restarts at one.
        hits: sql`CASE WHEN ${expired} THEN 1 ELSE rate_limit_counters.hits + 1 END`,
        window_ends_at: sql`CASE WHEN ${expired} THEN excluded.window_ends_at ELSE rate_limit_counters.window_ends_at END`,
      }),
    )
    .returning(['hits', 'window_ends_at'])
    .executeTakeFirstOrThrow();
  return { hits: Number(row.hits), windowEndsAt: Number(row.window_ends_at) };
}

/** The current count without counting (0 when the window has ended or never began). */
export async function peekHits(db: Kysely<Database>, key: string, now = Date.now()): Promise<WindowCount> {
  const row = await counters(db).selectFrom('rate_limit_counters').select(['hits', 'window_ends_at']).where('key', '=', key).executeTakeFirst();
  if (!row || Number(row.window_ends_at) <= now) return { hits: 0, windowEndsAt: now };
  return { hits: Number(row.hits), windowEndsAt: Number(row.window_ends_at) };
}

/** Forgets windows that ended before `now`; returns how many. */
export async function pruneEndedWindows(db: Kysely<Database>, now = Date.now()): Promise<number> {
  const result = await counters(db).deleteFrom('rate_limit_counters').where('window_ends_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
