import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './delivery-settings.js';
import { datesTodaySomewhere, digestMessageId, editionEndsEverywhere, isEditionDate, localDate, retryDeadline, zonedMoment } from './edition-key.js';

describe('edition dates', () => {
  it('validates calendar dates', () => {
    expect(isEditionDate('2024-02-29')).toBe(true);
    expect(isEditionDate('2025-02-29')).toBe(false);
    expect(isEditionDate('2025-1-05')).toBe(false);
  });

  it('knows every date that is today somewhere on earth', () => {
    expect(datesTodaySomewhere(new Date('2025-01-15T08:30:00Z'))).toEqual(['2025-01-14', '2025-01-15']);
    expect(datesTodaySomewhere(new Date('2025-01-15T11:00:00Z'))).toEqual(['2025-01-14', '2025-01-15', '2025-01-16']);
    expect(datesTodaySomewhere(new Date('2025-01-15T13:00:00Z'))).toEqual(['2025-01-15', '2025-01-16']);
  });

  it('finds local dates and send moments across time zones and daylight saving', () => {
    const now = new Date('2025-01-15T08:30:00Z');
    expect(localDate(now, 'Pacific/Kiritimati')).toBe('2025-01-15');
    expect(localDate(now, 'America/Los_Angeles')).toBe('2025-01-15');
    expect(localDate(new Date('2025-01-15T07:59:00Z'), 'America/Los_Angeles')).toBe('2025-01-14');
    expect(localDate(now, 'Not/AZone')).toBe('2025-01-15');
    expect(zonedMoment('2025-01-15', 8, 'Europe/Berlin').toISOString()).toBe('2025-01-15T07:00:00.000Z');
    expect(zonedMoment('2025-07-15', 8, 'Europe/Berlin').toISOString()).toBe('2025-07-15T06:00:00.000Z');
    expect(zonedMoment('2025-01-15', 8, 'Pacific/Kiritimati').toISOString()).toBe('2025-01-14T18:00:00.000Z');
    expect(zonedMoment('2025-03-09', 8, 'America/New_York').toISOString()).toBe('2025-03-09T12:00:00.000Z');
  });

  it('ends an edition when its date has ended in the last time zone, and retries a few hours past that', () => {
    expect(editionEndsEverywhere('2025-01-15').toISOString()).toBe('2025-01-16T12:00:00.000Z');
    expect(retryDeadline('2025-01-15', 6).toISOString()).toBe('2025-01-16T18:00:00.000Z');
  });
});

describe('digest Message-IDs', () => {
  it('are deterministic per (edition, subscriber) and keyed', () => {
    const edition = { date: '2025-01-15', frequency: 'daily' as const };
    const id = digestMessageId(edition, 42, 'k'.repeat(32), 'paperboy.example');
    expect(id).toMatch(/^digest-2025-01-15-daily-42\.[0-9a-f]{8}@paperboy\.example$/);
    expect(digestMessageId(edition, 42, 'k'.repeat(32), 'paperboy.example')).toBe(id);
    expect(digestMessageId(edition, 42, 'x'.repeat(32), 'paperboy.example')).not.toBe(id);
    expect(digestMessageId({ ...edition, frequency: 'weekly' }, 42, 'k'.repeat(32), 'paperboy.example')).not.toBe(id);
  });
});

describe('retry backoff', () => {
  it('doubles per attempt with 50–100 % jitter, capped', () => {
    const s = { retryBaseMs: 60_000, retryMaxMs: 3_600_000 };
    expect(retryDelayMs(1, s, () => 1)).toBe(60_000);
    expect(retryDelayMs(1, s, () => 0)).toBe(30_000);
    expect(retryDelayMs(3, s, () => 1)).toBe(240_000);
    expect(retryDelayMs(20, s, () => 1)).toBe(3_600_000);
  });
});
