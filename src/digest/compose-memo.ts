/**
 * Results an edition asks for over and over, kept for a few minutes. Every
 * subscriber whose send time falls on the same UTC hour shares a trending
 * ranking and the period's newest papers (the provider computes "as of"
 * rankings afresh), subscribers who follow the same category, author or
 * search share its matches, and the same few hundred papers come back in
 * thousands of mails: each is read (with its former ids) once, not per mail.
 * A few minutes is short enough for an edit or a new alias to show in the
 * next run, and long enough to cover a whole edition's composition.
 */
import type { Paper } from '../catalogue/paper.js';
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

/**
 * Values per key (a paper per id, a paper's former ids) loaded in bulk: one
 * load for the keys not held (or expired), bounded and expiring like TtlMemo.
 * Keys the loader does not return are remembered as `absent` when one is
 * given (a paper without former ids), else asked for again next time.
 */
export class BulkMemo<T> {
  private readonly entries = new Map<string, { at: number; value: T }>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs = TTL_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  async getMany(keys: readonly string[], load: (missing: string[]) => Promise<Map<string, T>>, absent?: T): Promise<Map<string, T>> {
    const now = this.clock();
    const out = new Map<string, T>();
    const missing: string[] = [];
    for (const key of keys) {
      if (out.has(key)) continue;
      const hit = this.entries.get(key);
      if (hit && now - hit.at < this.ttlMs) out.set(key, hit.value);
      else missing.push(key);
    }
    if (missing.length === 0) return out;
    const loaded = await load([...new Set(missing)]);
    for (const key of missing) {
      const value = loaded.has(key) ? loaded.get(key)! : absent;
      if (value === undefined) continue;
      out.set(key, value);
      this.entries.delete(key);
      this.entries.set(key, { at: now, value });
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
    return out;
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

/** What paper selection shares between the subscribers of an edition (compose-selection.ts). */
export class SelectionMemo {
  /** A topic's matching ids in a period. */
  readonly topicMatches = new TtlMemo<string[]>(5000);
  /** The newest papers of a period (the fallback when nothing is trending). */
  readonly periodPapers = new TtlMemo<Paper[]>(256);
  /** Whether undated papers arrived in a period. */
  readonly undatedIn = new TtlMemo<boolean>(256);
  /** Papers by public id (topic matches). */
  readonly papers = new BulkMemo<Paper>(20_000);
  /** A paper's former ids, by its current id. */
  readonly formerIds = new BulkMemo<string[]>(20_000);
}
