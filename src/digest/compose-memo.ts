/**
 * Results an edition asks for over and over, kept for a few minutes. Every
 * subscriber whose send time falls on the same UTC hour shares a trending
 * ranking (the provider computes "as of" rankings afresh), and subscribers
 * who follow the same category, author or search share its matches.
 */
import type { TrendingPage, TrendingProvider, TrendingQuery } from '../trending/trending-provider.js';

const TTL_MS = 10 * 60_000;

/** A bounded, expiring map of promises: concurrent askers share one computation; failures are not kept. */
export class TtlMemo<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs = TTL_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = compute();
    value.catch(() => this.entries.delete(key));
    this.entries.delete(key);
    this.entries.set(key, { at: now, value });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}

export class MemoTrending implements TrendingProvider {
  private readonly memo = new TtlMemo<TrendingPage>(64);

  constructor(private readonly inner: TrendingProvider) {}

  ranking(query: TrendingQuery): Promise<TrendingPage> {
    const key = `${query.window}|${query.limit}|${query.offset}|${query.asOf?.toISOString() ?? 'now'}`;
    return this.memo.get(key, () => this.inner.ranking(query));
  }
}
