/**
 * The trending score, as pure functions so it can be checked by hand (README
 * "Trending" has the formula; score.test.ts has worked examples).
 *
 *   score = ageFactor × Σ_signal weight × max(0, Σ_event amount × 2^(−age_of_event / halfLife))
 *
 * over the events inside the window, where ageFactor = 1 / (1 + paperAgeDays / 180).
 */
import type { TrendingComponents, TrendingWindow } from './trending-provider.js';

export type Signal = keyof TrendingComponents;

export interface WindowSpec {
  /** Length of the window; null = all time. */
  hours: number | null;
  /** An event this old counts half as much as one happening now. */
  halfLifeHours: number;
  /** Ends the explanation line: "+3 upvotes in 24 h". */
  label: string;
}

export const WINDOW_SPECS: Readonly<Record<TrendingWindow, WindowSpec>> = Object.freeze({
  day: { hours: 24, halfLifeHours: 6, label: 'in 24 h' },
  week: { hours: 7 * 24, halfLifeHours: 36, label: 'in 7 days' },
  month: { hours: 30 * 24, halfLifeHours: 5 * 24, label: 'in 30 days' },
  all: { hours: null, halfLifeHours: 30 * 24, label: 'all time' },
});

/**
 * Worth of one unit of each signal. An upvote here or on Hugging Face is a
 * deliberate act by a signed-in person; a view is cheap (20 make an upvote);
 * stars come in hundreds for popular code (50 make an upvote).
 */
export const SIGNAL_WEIGHTS: Readonly<Record<Signal, number>> = Object.freeze({
  upvotes: 1,
  hfUpvotes: 1,
  views: 0.05,
  githubStars: 0.02,
});

/** A paper this many days old needs twice the activity of a brand-new one. */
export const AGE_HALF_SCORE_DAYS = 180;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const SIGNALS: readonly Signal[] = ['upvotes', 'hfUpvotes', 'githubStars', 'views'];

export function zeroComponents(): TrendingComponents {
  return { upvotes: 0, views: 0, githubStars: 0, hfUpvotes: 0 };
}

/** Earliest instant (exclusive) an event may have to count; -Infinity for all time. */
export function windowStartMs(window: TrendingWindow, asOfMs: number): number {
  const hours = WINDOW_SPECS[window].hours;
  return hours === null ? Number.NEGATIVE_INFINITY : asOfMs - hours * HOUR_MS;
}

/** Weight of an event `ageMs` old: 1 now, 1/2 one half-life ago. Future events (clock skew) count as now. */
export function decay(ageMs: number, halfLifeHours: number): number {
  return 2 ** (-Math.max(0, ageMs) / (halfLifeHours * HOUR_MS));
}

/** Gentle: fresh papers lead, but an old paper with a burst of activity can still trend. */
export function ageFactor(publishedMs: number | null, asOfMs: number): number {
  if (publishedMs === null || Number.isNaN(publishedMs)) return 1;
  const days = Math.max(0, asOfMs - publishedMs) / DAY_MS;
  return 1 / (1 + days / AGE_HALF_SCORE_DAYS);
}

/** What one paper did inside the window: raw amounts (shown) and decayed amounts (scored). */
export interface PaperActivity {
  components: TrendingComponents;
  decayed: TrendingComponents;
}

export class ActivityLedger {
  readonly papers = new Map<number, PaperActivity>();

  constructor(
    readonly window: TrendingWindow,
    readonly asOfMs: number,
  ) {}

  get startMs(): number {
    return windowStartMs(this.window, this.asOfMs);
  }

  /** Counts `amount` of `signal` at `atMs` if it falls inside the window; ignores the rest. */
  add(seq: number, signal: Signal, amount: number, atMs: number): void {
    if (amount === 0 || !(atMs > this.startMs) || atMs > this.asOfMs) return;
    this.addDecayed(seq, signal, amount, amount * this.weightAt(atMs));
  }

  /** For amounts already summed and decayed elsewhere (views, weighted per day in SQL). */
  addDecayed(seq: number, signal: Signal, amount: number, decayedAmount: number): void {
    let activity = this.papers.get(seq);
    if (!activity) this.papers.set(seq, (activity = { components: zeroComponents(), decayed: zeroComponents() }));
    activity.components[signal] += amount;
    activity.decayed[signal] += decayedAmount;
  }

  weightAt(atMs: number): number {
    return decay(this.asOfMs - atMs, WINDOW_SPECS[this.window].halfLifeHours);
  }
}

/**
 * Score of one paper. Star and Hugging Face counts are differences between
 * snapshots and may net out negative (unstars); a signal never scores below zero.
 */
export function scoreActivity(activity: PaperActivity, publishedMs: number | null, asOfMs: number, weights = SIGNAL_WEIGHTS): number {
  let total = 0;
  for (const signal of SIGNALS) total += weights[signal] * Math.max(0, activity.decayed[signal]);
  return total * ageFactor(publishedMs, asOfMs);
}

/** Components as shown: net gains, never negative. */
export function shownComponents(activity: PaperActivity): TrendingComponents {
  const c = activity.components;
  return { upvotes: c.upvotes, views: c.views, githubStars: Math.max(0, c.githubStars), hfUpvotes: Math.max(0, c.hfUpvotes) };
}

const NOUNS: Readonly<Record<Signal, [string, string]>> = {
  upvotes: ['upvote', 'upvotes'],
  hfUpvotes: ['Hugging Face upvote', 'Hugging Face upvotes'],
  githubStars: ['GitHub star', 'GitHub stars'],
  views: ['view', 'views'],
};

const NUMBER = new Intl.NumberFormat('en-US');

function joinParts(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** "+38 upvotes and +412 GitHub stars in 24 h": the non-zero components, correctly pluralised; '' when none. */
export function explain(components: TrendingComponents, window: TrendingWindow): string {
  const parts = SIGNALS.filter((s) => components[s] > 0).map((s) => {
    const n = components[s];
    return `+${NUMBER.format(n)} ${NOUNS[s][n === 1 ? 0 : 1]}`;
  });
  return parts.length === 0 ? '' : `${joinParts(parts)} ${WINDOW_SPECS[window].label}`;
}
