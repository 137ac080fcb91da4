import { describe, expect, it } from 'vitest';
import { ActivityLedger, ageFactor, decay, explain, scoreActivity, shownComponents, windowStartMs, zeroComponents } from './score.js';

const H = 3_600_000;
const DAY = 24 * H;
const AS_OF = Date.parse('2026-11-29T12:00:00.000Z');

describe('decay', () => {
  it('halves every half-life and treats the future as now', () => {
    expect(decay(0, 6)).toBe(1);
    expect(decay(6 * H, 6)).toBe(0.5);
    expect(decay(12 * H, 6)).toBe(0.25);
    expect(decay(36 * H, 36)).toBe(0.5);
    expect(decay(-5 * H, 6)).toBe(1);
  });
});

describe('ageFactor', () => {
  it('is gentle: half at 180 days, a third at a year-ish, 1 when unknown', () => {
    expect(ageFactor(AS_OF, AS_OF)).toBe(1);
    expect(ageFactor(AS_OF - 90 * DAY, AS_OF)).toBeCloseTo(2 / 3, 12);
    expect(ageFactor(AS_OF - 180 * DAY, AS_OF)).toBe(0.5);
    expect(ageFactor(AS_OF - 360 * DAY, AS_OF)).toBeCloseTo(1 / 3, 12);
    expect(ageFactor(null, AS_OF)).toBe(1);
    expect(ageFactor(AS_OF + DAY, AS_OF)).toBe(1); // dated in the future: not rewarded
  });
});

describe('windows', () => {
  it('starts each window its length before asOf; all time has no start', () => {
    expect(windowStartMs('day', AS_OF)).toBe(AS_OF - DAY);
    expect(windowStartMs('week', AS_OF)).toBe(AS_OF - 7 * DAY);
    expect(windowStartMs('month', AS_OF)).toBe(AS_OF - 30 * DAY);
    expect(windowStartMs('all', AS_OF)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('scoreActivity on hand-computed cases', () => {
  it('day window, every signal, a 90-day-old paper: 8/3', () => {
    const ledger = new ActivityLedger('day', AS_OF);
    // Upvotes now, 6 h and 12 h ago: 1 + 0.5 + 0.25 = 1.75 (× weight 1).
    ledger.add(1, 'upvotes', 1, AS_OF);
    ledger.add(1, 'upvotes', 1, AS_OF - 6 * H);
    ledger.add(1, 'upvotes', 1, AS_OF - 12 * H);
    // 40 views 6 h ago: 40 × 0.5 × 0.05 = 1.
    ledger.add(1, 'views', 40, AS_OF - 6 * H);
    // +100 stars 18 h ago: 100 × 0.125 × 0.02 = 0.25.
    ledger.add(1, 'githubStars', 100, AS_OF - 18 * H);
    // +4 Hugging Face upvotes 12 h ago: 4 × 0.25 × 1 = 1.
    ledger.add(1, 'hfUpvotes', 4, AS_OF - 12 * H);
    // Outside the window (start is exclusive) or in the future: ignored.
    ledger.add(1, 'upvotes', 1, AS_OF - 24 * H);
    ledger.add(1, 'upvotes', 1, AS_OF + 1);
    const activity = ledger.papers.get(1)!;
    expect(activity.components).toEqual({ upvotes: 3, views: 40, githubStars: 100, hfUpvotes: 4 });
    // (1.75 + 1 + 0.25 + 1) × 1 / (1 + 90/180) = 4 × 2/3
    expect(scoreActivity(activity, AS_OF - 90 * DAY, AS_OF)).toBeCloseTo(8 / 3, 12);
  });

  it('the README\'s worked example: 4.0 of activity, 90 days old, scores 2.667', () => {
    const ledger = new ActivityLedger('day', AS_OF);
    for (const hours of [0, 6, 12]) ledger.add(1, 'upvotes', 1, AS_OF - hours * H);
    ledger.add(1, 'views', 40, AS_OF); // today's views, dated at noon = now
    ledger.add(1, 'githubStars', 100, AS_OF - 18 * H);
    expect(scoreActivity(ledger.papers.get(1)!, AS_OF - 90 * DAY, AS_OF)).toBeCloseTo(4 / 1.5, 12);
  });

  it('week window decays over 36 h: upvotes 36 h and 72 h old score 0.5 + 0.25', () => {
    const ledger = new ActivityLedger('week', AS_OF);
    ledger.add(7, 'upvotes', 1, AS_OF - 36 * H);
    ledger.add(7, 'upvotes', 1, AS_OF - 72 * H);
    ledger.add(7, 'upvotes', 1, AS_OF - 8 * DAY); // before the week
    expect(ledger.papers.get(7)!.components.upvotes).toBe(2);
    expect(scoreActivity(ledger.papers.get(7)!, AS_OF, AS_OF)).toBe(0.75);
  });

  it('month and all-time half-lives: 5 days and 30 days', () => {
    const month = new ActivityLedger('month', AS_OF);
    month.add(1, 'hfUpvotes', 8, AS_OF - 10 * DAY); // 8 × 0.25
    expect(scoreActivity(month.papers.get(1)!, null, AS_OF)).toBe(2);
    const all = new ActivityLedger('all', AS_OF);
    all.add(1, 'views', 80, AS_OF - 400 * DAY); // never leaves the window
    all.add(1, 'views', 20, AS_OF - 30 * DAY); // 20 × 0.5 × 0.05 = 0.5
    expect(all.papers.get(1)!.components.views).toBe(100);
    expect(scoreActivity(all.papers.get(1)!, null, AS_OF)).toBeCloseTo(0.5 + 80 * 0.05 * 2 ** (-400 / 30), 12);
  });

  it('lost stars never score below zero nor show as negative', () => {
    const ledger = new ActivityLedger('day', AS_OF);
    ledger.add(3, 'githubStars', -30, AS_OF - H);
    ledger.add(3, 'upvotes', 1, AS_OF);
    const activity = ledger.papers.get(3)!;
    expect(scoreActivity(activity, AS_OF, AS_OF)).toBe(1);
    expect(shownComponents(activity)).toEqual({ upvotes: 1, views: 0, githubStars: 0, hfUpvotes: 0 });
  });

  it('an old paper with a spike outranks a fresh paper with a trickle', () => {
    const ledger = new ActivityLedger('day', AS_OF);
    for (let i = 0; i < 10; i++) ledger.add(1, 'upvotes', 1, AS_OF - H); // 10 × 2^(-1/6)
    ledger.add(2, 'upvotes', 1, AS_OF - H);
    const old = scoreActivity(ledger.papers.get(1)!, AS_OF - 5 * 365 * DAY, AS_OF);
    const fresh = scoreActivity(ledger.papers.get(2)!, AS_OF, AS_OF);
    expect(old).toBeCloseTo((10 * 2 ** (-1 / 6)) / (1 + 1825 / 180), 12);
    expect(old).toBeLessThan(fresh); // ten upvotes are not enough at five years…
    for (let i = 0; i < 20; i++) ledger.add(1, 'upvotes', 1, AS_OF - H);
    expect(scoreActivity(ledger.papers.get(1)!, AS_OF - 5 * 365 * DAY, AS_OF)).toBeGreaterThan(fresh); // …thirty are
  });
});

describe('explain', () => {
  const c = (over: Partial<ReturnType<typeof zeroComponents>>) => ({ ...zeroComponents(), ...over });
  it('lists the non-zero parts, pluralised, with the window', () => {
    expect(explain(c({ upvotes: 38, githubStars: 412 }), 'day')).toBe('+38 upvotes and +412 GitHub stars in 24 h');
    expect(explain(c({ upvotes: 1 }), 'day')).toBe('+1 upvote in 24 h');
    expect(explain(c({ upvotes: 2, hfUpvotes: 1, githubStars: 1, views: 1204 }), 'week')).toBe(
      '+2 upvotes, +1 Hugging Face upvote, +1 GitHub star and +1,204 views in 7 days',
    );
    expect(explain(c({ hfUpvotes: 5 }), 'month')).toBe('+5 Hugging Face upvotes in 30 days');
    expect(explain(c({ views: 1 }), 'all')).toBe('+1 view all time');
    expect(explain(zeroComponents(), 'day')).toBe('');
  });
});
