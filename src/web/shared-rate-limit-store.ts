/**
 * A store for @fastify/rate-limit that counts in the database (security/
 * rate-limit-counters.ts) instead of each process's memory, so that several
 * instances behind a load balancer enforce one limit together. Used on
 * PostgreSQL, the several-instances backend; a SQLite installation is one
 * process and keeps the plugin's in-memory store (no write per request).
 *
 * Windows are fixed, like the plugin's own store: `ttl` is what remains of
 * the current one. Route stores are namespaced by method and URL, as the
 * plugin's Redis store does, so one client's counts on two routes stay apart.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../db/connection.js';
import type { Database } from '../db/schema.js';
import { countHit, peekHits, pruneEndedWindows, type WindowCount } from '../security/rate-limit-counters.js';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** What the plugin really passes to child(): the route's merged limit options, the route under `routeInfo`. */
interface ChildOptions {
  routeInfo?: { method?: string | string[]; url?: string };
}

/**
 * Whether rate limits are counted in the database: on PostgreSQL, where
 * several instances may share it; a SQLite installation is one process.
 */
export function countsInDatabase(database: Pick<DatabaseHandle, 'dialect'>): boolean {
  return database.dialect === 'postgres';
}

/** How often (at most) a store deletes ended windows, so the table holds only live ones. */
const PRUNE_EVERY_MS = 60_000;

/** The class to pass as the plugin's `store` option (the plugin instantiates it itself). */
export function sharedRateLimitStore(db: Kysely<Database>): FastifyRateLimitStoreCtor {
  const pruning = { lastAt: Date.now() };
  const prune = (now: number) => {
    if (now - pruning.lastAt < PRUNE_EVERY_MS) return;
    pruning.lastAt = now;
    void pruneEndedWindows(db, now).catch(() => undefined);
  };
  const respond = (callback: Callback, now: number) => (count: WindowCount) =>
    callback(null, { current: count.hits, ttl: Math.max(0, count.windowEndsAt - now) });

  class Store implements FastifyRateLimitStore {
    constructor(private readonly prefix = 'http:') {}

    incr(key: string, callback: Callback, timeWindow: number): void {
      const now = Date.now();
      countHit(db, this.prefix + key, timeWindow, now).then(respond(callback, now), (error: Error) => callback(error));
      prune(now);
    }

    read(key: string, callback: Callback): void {
      const now = Date.now();
      peekHits(db, this.prefix + key, now).then(respond(callback, now), (error: Error) => callback(error));
    }

    child(routeOptions: object): Store {
      const route = (routeOptions as ChildOptions).routeInfo;
      const method = [route?.method ?? ''].flat().join(',');
      return new Store(`${this.prefix}${method}${route?.url ?? ''}-`);
    }
  }
  // The plugin calls `new Store(globalOptions)`: the options are not a prefix.
  return class extends Store {
    constructor() {
      super();
    }
  };
}
