/**
 * What the rest of Paperboy (pages, feeds, API, digests) asks of trending.
 * The implementation lives beside this file; callers depend on this shape only.
 */
import type { Paper } from '../catalogue/paper.js';

export const TRENDING_WINDOWS = ['day', 'week', 'month', 'all'] as const;
export type TrendingWindow = (typeof TRENDING_WINDOWS)[number];

export interface TrendingComponents {
  /** Activity counted inside the window, per signal. */
  upvotes: number;
  views: number;
  githubStars: number;
  hfUpvotes: number;
}

export interface TrendingEntry {
  seq: number;
  paper: Paper;
  score: number;
  components: TrendingComponents;
  /** One short human line, e.g. "+38 upvotes and +412 GitHub stars in 48 h". Empty in the newest-first fallback. */
  explanation: string;
}

export interface TrendingPage {
  window: TrendingWindow;
  entries: TrendingEntry[];
  total: number;
  /** 'newest' when there is no activity at all in the window and the list is simply newest-first (and says so). */
  fallback: 'newest' | null;
}

export interface TrendingQuery {
  window: TrendingWindow;
  limit: number;
  offset: number;
  /** Rank as of this moment (digests of a past edition); default now. */
  asOf?: Date;
}

export interface TrendingProvider {
  ranking(query: TrendingQuery): Promise<TrendingPage>;
}
