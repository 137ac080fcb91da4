/**
 * Which stretch of time an edition covers for one subscriber. The edition is
 * their local date D; it is composed "as of" their send time on D (or now, if
 * that is still to come — a preview), and looks back one day (daily) or one
 * week (weekly) plus a day of slack: arXiv announces papers a day or so after
 * their submission date, and the slack lets those still arrive. Overlap
 * between editions is harmless because a paper is never sent twice.
 */
import type { TrendingWindow } from '../trending/trending-provider.js';
import { zonedInstant } from '../subscribers/time-zones.js';
import type { Period } from './compose-queries.js';
import type { DigestFrequency, EditionKey } from './delivery-types.js';

const DAY_MS = 86_400_000;
const LOOKBACK_DAYS: Record<DigestFrequency, number> = { daily: 2, weekly: 8 };
const WINDOWS: Record<DigestFrequency, TrendingWindow> = { daily: 'day', weekly: 'week' };

export interface EditionPeriod extends Period {
  asOf: Date;
  window: TrendingWindow;
  /** `after:` / `before:` bounds for search queries (inclusive calendar dates, UTC). */
  afterDate: string;
  beforeDate: string;
}

export function editionPeriod(edition: EditionKey, subscriber: { timezone: string; sendHour: number }, now: Date): EditionPeriod {
  const scheduled = zonedInstant(edition.date, subscriber.sendHour, subscriber.timezone);
  const asOf = scheduled.getTime() < now.getTime() ? scheduled : now;
  const start = new Date(asOf.getTime() - LOOKBACK_DAYS[edition.frequency] * DAY_MS);
  return {
    asOf,
    window: WINDOWS[edition.frequency],
    start: start.toISOString(),
    end: asOf.toISOString(),
    afterDate: start.toISOString().slice(0, 10),
    beforeDate: asOf.toISOString().slice(0, 10),
  };
}
