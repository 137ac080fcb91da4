/** Preference validation: time zones through Intl, categories against the taxonomy, topics, limits; the per-IP bucket. */
import { describe, expect, it } from 'vitest';
import { isMuteTopic, topicQuery } from '../digest/compose-topics.js';
import { canonicalCategory, PreferencesSchema, timeZoneOrUtc, TopicsSchema } from './preferences.js';
import { RateLimiter } from './rate-limiter.js';
import { isValidTimeZone, localTime } from './time-zones.js';

const valid = { frequency: 'daily', sendHour: 8, timezone: 'UTC', weekends: true, papersPerMail: 10, topics: [] };

describe('time zones', () => {
  it('accepts what Intl knows, in its canonical spelling, and nothing else', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    for (const bad of ['', 'Mars/Olympus', 'Europe/Paris; DROP TABLE', '../../etc/passwd', 'x'.repeat(80), '+01:00']) expect(isValidTimeZone(bad), bad).toBe(false);
    expect(PreferencesSchema.parse({ ...valid, timezone: 'america/new_york' }).timezone).toBe('America/New_York');
    expect(timeZoneOrUtc('Nowhere/Land')).toBe('UTC');
    expect(timeZoneOrUtc(undefined)).toBe('UTC');
  });

  it('tells the local date and hour', () => {
    expect(localTime(new Date('2025-03-09T23:30:00Z'), 'Asia/Tokyo')).toEqual({ date: '2025-03-10', hour: 8 });
    expect(localTime(new Date('2025-03-10T03:00:00Z'), 'America/Los_Angeles')).toEqual({ date: '2025-03-09', hour: 20 });
  });
});

describe('preferences', () => {
  it('bounds hour, papers per mail and frequency', () => {
    for (const change of [{ sendHour: 24 }, { sendHour: -1 }, { sendHour: 7.5 }, { papersPerMail: 0 }, { papersPerMail: 31 }, { frequency: 'hourly' }]) {
      expect(PreferencesSchema.safeParse({ ...valid, ...change }).success, JSON.stringify(change)).toBe(false);
    }
  });

  it('spells categories as the taxonomy does, and accepts whole archives', () => {
    expect(canonicalCategory('CS.lg')).toBe('cs.LG');
    expect(canonicalCategory('hep-th')).toBe('hep-th');
    expect(canonicalCategory('math')).toBe('math');
    expect(canonicalCategory('cs.NOPE')).toBeUndefined();
  });

  it('keeps searches as typed (with exclusions), drops duplicates, refuses empty ones and too many', () => {
    const topics = TopicsSchema.parse([
      { kind: 'query', value: '  diffusion   -survey ' },
      { kind: 'query', value: 'Diffusion -survey' },
      { kind: 'query', value: '-crypto' },
      { kind: 'author', value: 'Yann LeCun' },
    ]);
    expect(topics).toEqual([
      { kind: 'query', value: 'diffusion -survey' },
      { kind: 'query', value: '-crypto' },
      { kind: 'author', value: 'Yann LeCun' },
    ]);
    expect(TopicsSchema.safeParse([{ kind: 'query', value: 'sort:newest' }]).success).toBe(false);
    expect(TopicsSchema.safeParse([{ kind: 'query', value: '   ' }]).success).toBe(false);
    expect(TopicsSchema.safeParse(Array.from({ length: 31 }, (_, i) => ({ kind: 'author', value: `A${i}` }))).success).toBe(false);
  });

  it('turns topics into search queries; exclusions alone mute', () => {
    expect(topicQuery({ kind: 'category', value: 'cs.LG' })).toBe('cat:cs.LG');
    expect(topicQuery({ kind: 'author', value: 'Yann "The" LeCun' })).toBe('author:"Yann  The  LeCun"');
    expect(isMuteTopic({ kind: 'query', value: '-crypto -"large language"' })).toBe(true);
    expect(isMuteTopic({ kind: 'query', value: 'diffusion -survey' })).toBe(false);
  });
});

describe('RateLimiter', () => {
  it('allows a burst, refills over time, keeps keys apart and its memory bounded', () => {
    const limiter = new RateLimiter({ capacity: 2, refillMs: 1000, maxKeys: 3 });
    expect([limiter.take('a', 0), limiter.take('a', 0), limiter.take('a', 0)]).toEqual([true, true, false]);
    expect(limiter.take('b', 0)).toBe(true);
    expect(limiter.take('a', 1000)).toBe(true);
    expect(limiter.take('a', 1000)).toBe(false);
    for (const k of ['c', 'd', 'e']) limiter.take(k, 1000);
    // 'a' was evicted: it starts with a full bucket again rather than growing the map.
    expect(limiter.take('a', 1000)).toBe(true);
  });
});
