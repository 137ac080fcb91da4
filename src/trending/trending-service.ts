/**
 * The TrendingProvider the site, API, CLI and digests use. A window's ranking
 * is computed from the activity tables (only papers with activity, never the
 * whole catalogue) and cached for a short TTL, so the trending page costs a
 * slice and a primary-key lookup per request. A vote (or new signals) bumps
 * the activity generation in the database (activity-generation.ts); every
 * instance checks it before serving a cached ranking, so a voter sees their
 * vote counted whichever instance answers.
 */
import type { Kysely } from 'kysely';
import { findPapersBySeqs, countPapers } from '../catalogue/paper-store.js';
import { rowToPaper } from '../catalogue/paper-row.js';
import type { Database } from '../db/schema.js';
import { newestPaperRows } from './activity-store.js';
import { computeRanking, type RankedPaper } from './compute-ranking.js';
import { activityGeneration, bumpActivityGeneration } from './activity-generation.js';
import { explain, zeroComponents } from './score.js';
import type { TrendingEntry, TrendingPage, TrendingProvider, TrendingQuery, TrendingWindow } from './trending-provider.js';
import { castVote, removeVote } from './votes.js';

export interface TrendingServiceOptions {
  /** How long a computed ranking is served before it is recomputed; default 60 s. */
  ttlMs?: number;
  now?: () => Date;
}

interface CacheEntry<T> {
  expiresAt: number;
  value: Promise<T>;
  settled?: boolean;
  /** A recomputation started while this (expired) entry is still being served. */
  refreshing?: boolean;
}

export const DEFAULT_TRENDING_TTL_MS = 60_000;

const DATES_MAX_AGE_MS = 3_600_000;
const DATES_MAX_SIZE = 2_000_000;
// Page keys come from request parameters: bound the page cache so odd offsets cannot grow it without end.
const MAX_CACHED_PAGES = 256;
/**
 * An expired ranking keeps being served for up to this many TTLs while its
 * replacement is computed in the background: a recomputation over a busy
 * month takes seconds, and no reader should wait for it (stale-while-revalidate).
 */
const STALE_TTLS = 5;

export class TrendingService implements TrendingProvider {
  private readonly ttlMs: number;
  private readonly now: () => Date;
  private readonly rankings = new Map<TrendingWindow, CacheEntry<RankedPaper[]>>();
  /** Built pages (papers loaded), keyed window|limit|offset; each expires with the ranking it came from. */
  private readonly pages = new Map<string, CacheEntry<TrendingPage>>();
  /**
   * Publication dates of active papers, kept across recomputations: loading
   * them is a large part of a recomputation, and they hardly ever change (a
   * merge may find an earlier date), so an hour's staleness is harmless.
   */
  private dates = new Map<number, number>();
  private datesSince = Date.now();
  /** The activity generation the cached rankings were computed at. */
  private generation: number | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    options: TrendingServiceOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TRENDING_TTL_MS;
    this.now = options.now ?? (() => new Date());
  }

  async ranking(query: TrendingQuery): Promise<TrendingPage> {
    const limit = Math.max(0, Math.floor(query.limit));
    const offset = Math.max(0, Math.floor(query.offset));
    const { window } = query;
    // A past moment (a digest's edition) is computed afresh: the cache holds "now" only.
    if (query.asOf) return this.buildPage(window, await computeRanking(this.db, window, query.asOf), limit, offset);
    await this.dropIfChanged();
    const ranking = this.cached(this.rankings, window, Date.now() + this.ttlMs, () =>
      computeRanking(this.db, window, this.now(), this.paperDates()),
    );
    if (this.pages.size >= MAX_CACHED_PAGES) this.pages.clear();
    const page = this.cached(this.pages, `${window}|${limit}|${offset}`, ranking.expiresAt, async () =>
      this.buildPage(window, await ranking.value, limit, offset),
    );
    return copyPage(await page.value);
  }

  /**
   * After a change to what rankings are computed from (a vote, a harvest, a
   * star poll): every instance's next ranking is computed afresh.
   */
  async invalidate(): Promise<void> {
    await bumpActivityGeneration(this.db);
    this.forget();
  }

  /** `castVote`, then the next ranking (on any instance) includes it. */
  async castVote(userId: number, seq: number): Promise<boolean> {
    const added = await castVote(this.db, userId, seq, this.now());
    if (added) await this.invalidate();
    return added;
  }

  async removeVote(userId: number, seq: number): Promise<boolean> {
    const removed = await removeVote(this.db, userId, seq);
    if (removed) await this.invalidate();
    return removed;
  }

  private forget(): void {
    this.rankings.clear();
    this.pages.clear();
  }

  /** Drops the cached rankings when any instance changed trending's inputs since they were computed. */
  private async dropIfChanged(): Promise<void> {
    const generation = await activityGeneration(this.db);
    if (generation !== this.generation) this.forget();
    this.generation = generation;
  }

  private paperDates(): Map<number, number> {
    if (Date.now() - this.datesSince > DATES_MAX_AGE_MS || this.dates.size > DATES_MAX_SIZE) {
      this.dates = new Map();
      this.datesSince = Date.now();
    }
    return this.dates;
  }

  /**
   * Concurrent misses share one computation; a failed one is not kept. A
   * recently expired entry is served while its replacement is computed.
   */
  private cached<K, T>(cache: Map<K, CacheEntry<T>>, key: K, expiresAt: number, compute: () => Promise<T>): CacheEntry<T> {
    const hit = cache.get(key);
    const now = Date.now();
    if (hit && hit.expiresAt > now) return hit;
    if (hit && (hit.refreshing || (hit.settled && now - hit.expiresAt < STALE_TTLS * this.ttlMs))) {
      if (!hit.refreshing) this.refreshInBackground(cache, key, hit, expiresAt, compute);
      return hit;
    }
    const entry = this.startEntry(expiresAt, compute);
    cache.set(key, entry);
    entry.value.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
    return entry;
  }

  private refreshInBackground<K, T>(cache: Map<K, CacheEntry<T>>, key: K, stale: CacheEntry<T>, expiresAt: number, compute: () => Promise<T>): void {
    stale.refreshing = true;
    const next = this.startEntry(expiresAt, compute);
    next.value.then(
      () => {
        if (cache.get(key) === stale) cache.set(key, next);
      },
      () => {
        stale.refreshing = false; // try again on a later request; keep serving the stale value meanwhile
      },
    );
  }

  private startEntry<T>(expiresAt: number, compute: () => Promise<T>): CacheEntry<T> {
    const entry: CacheEntry<T> = { expiresAt, value: compute() };
    entry.value.then(
      () => (entry.settled = true),
      () => {},
    );
    return entry;
  }

  private async buildPage(window: TrendingWindow, ranked: RankedPaper[], limit: number, offset: number): Promise<TrendingPage> {
    if (ranked.length === 0) return { window, ...(await this.newestPage(limit, offset)), fallback: 'newest' };
    const slice = ranked.slice(offset, offset + limit);
    const papers = new Map((await findPapersBySeqs(this.db, slice.map((r) => r.seq))).map((p) => [p.seq, p.paper]));
    const entries = slice.flatMap((r): TrendingEntry[] => {
      const paper = papers.get(r.seq);
      return paper ? [{ ...r, paper, explanation: explain(r.components, window) }] : [];
    });
    return { window, entries, total: ranked.length, fallback: null };
  }

  /** No activity in the window: newest papers, saying so, with zero components and no made-up numbers. */
  private async newestPage(limit: number, offset: number): Promise<Pick<TrendingPage, 'entries' | 'total'>> {
    const [rows, total] = await Promise.all([newestPaperRows(this.db, limit, offset), countPapers(this.db)]);
    const entries = rows.map(({ seq, row }) => ({ seq, paper: rowToPaper(row), score: 0, components: zeroComponents(), explanation: '' }));
    return { entries, total };
  }
}

/** Cached pages are shared: callers get their own entries and components to decorate. */
function copyPage(page: TrendingPage): TrendingPage {
  return { ...page, entries: page.entries.map((e) => ({ ...e, components: { ...e.components } })) };
}
