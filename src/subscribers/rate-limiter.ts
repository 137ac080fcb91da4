/**
 * In-process token buckets, one per key (a client IP). Good enough for one
 * Paperboy process; the per-address limit that matters for mail-bombing is
 * kept in the database (subscribers.last_confirmation_sent_at) and holds
 * across processes and restarts.
 */

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

export class RateLimiter {
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
