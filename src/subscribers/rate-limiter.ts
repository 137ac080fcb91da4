/**
 * Per-client limits on subscribe requests. The per-address limit that
 * matters most for mail-bombing is kept in the database
 * (subscribers.last_confirmation_sent_at) and holds across processes and
 * restarts; this is the per-IP one. One process (SQLite) keeps token buckets
 * in memory; several instances on one PostgreSQL database count in the
 * database they share (SharedRateLimiter), so each does not grant the whole
 * allowance again.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { countHit } from '../security/rate-limit-counters.js';

export interface RequestLimiter {
  /** Counts one request for `key`; false when it is over the limit. */
  take(key: string): boolean | Promise<boolean>;
}

export interface RateLimitOptions {
  /** Requests allowed in a burst. */
  capacity: number;
  /** One request is earned back every this many milliseconds. */
  refillMs: number;
  /** Keys remembered at most; the least recently used are forgotten (bounded memory under a flood of addresses). */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter implements RequestLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: RateLimitOptions) {}

  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string, now = Date.now()): boolean {
    const { capacity, refillMs } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, updatedAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, now - bucket.updatedAt) / refillMs);
    bucket.updatedAt = now;
    // Re-inserting moves the key to the end, so the Map's order is least-recently-used first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    this.evict();
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private evict(): void {
    const max = this.options.maxKeys ?? 10_000;
    while (this.buckets.size > max) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) return;
      this.buckets.delete(oldest);
    }
  }
}

/**
 * The same allowance counted in the database: `capacity` requests per window
 * of `capacity × refillMs` (a fixed window rather than a bucket: one
 * statement per request, whichever instance receives it).
 */
export class SharedRateLimiter implements RequestLimiter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly name: string,
    private readonly options: RateLimitOptions,
  ) {}

  async take(key: string, now = Date.now()): Promise<boolean> {
    const { capacity, refillMs } = this.options;
    const count = await countHit(this.db, `${this.name}:${key}`, capacity * refillMs, now);
    return count.hits <= capacity;
  }
}
