/**
 * Edition dates and the moments derived from them. An edition is named by
 * the subscriber's LOCAL date, so one edition is sent over ~26 hours of UTC
 * as the date travels around the globe (UTC+14 first, UTC-12 last).
 */
import { createHmac } from 'node:crypto';
import type { DigestFrequency, EditionKey } from './delivery-types.js';

const HOUR = 3_600_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isEditionDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

export function parseFrequency(value: string): DigestFrequency {
  if (value === 'daily' || value === 'weekly') return value;
  throw new Error(`unknown digest frequency "${value}" (expected daily or weekly)`);
}

/** `2025-01-15-daily`: used in Message-IDs, logs and the CLI. */
export function editionLabel(edition: EditionKey): string {
  return `${edition.date}-${edition.frequency}`;
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

function dateFormatter(timezone: string): Intl.DateTimeFormat {
  let formatter = dateFormatters.get(timezone);
  if (!formatter) {
    // en-CA formats dates as YYYY-MM-DD; one formatter per zone, reused (creating them is slow).
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormatters.set(timezone, formatter);
  }
  return formatter;
}

/** The calendar date at `now` in `timezone`; an unknown zone counts as UTC rather than dropping the subscriber. */
export function localDate(now: Date, timezone: string): string {
  try {
    return dateFormatter(timezone).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** Every date that is "today" somewhere on earth at `now` (UTC-12 … UTC+14): the editions the scheduler looks at. */
export function datesTodaySomewhere(now: Date): string[] {
  const dates = [-12, 0, 14].map((h) => new Date(now.getTime() + h * HOUR).toISOString().slice(0, 10));
  return [...new Set(dates)];
}

/** The moment `date` has ended in every time zone (midnight after it at UTC-12). */
export function editionEndsEverywhere(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 36 * HOUR);
}

/** After this moment a message of the edition is no longer retried: a digest that late is news no more. */
export function retryDeadline(date: string, graceHours: number): Date {
  return new Date(editionEndsEverywhere(date).getTime() + graceHours * HOUR);
}

/**
 * The Message-ID of one subscriber's copy of one edition (without angle
 * brackets). Deterministic, so every attempt — and an operator's resend —
 * carries the same id and receivers can recognise a repeat; the HMAC part
 * keeps ids unguessable from (date, subscriber id) alone.
 */
export function digestMessageId(edition: EditionKey, subscriberId: number, secret: string, host: string): string {
  const label = editionLabel(edition);
  const mac = createHmac('sha256', secret).update(`digest-message-id:${label}:${subscriberId}`).digest('hex').slice(0, 8);
  return `digest-${label}-${subscriberId}.${mac}@${host}`;
}

const clockFormatters = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds `timezone` is ahead of UTC at `instant`. */
function zoneOffsetMs(instant: number, timezone: string): number {
  let formatter = clockFormatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    clockFormatters.set(timezone, formatter);
  }
  const parts = formatter.formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant when the clock in `timezone` shows `hour`:00 on `date` — a
 * subscriber's send time. (On a daylight-saving gap the hour that does not
 * exist resolves to the one after it.) Unknown zones count as UTC.
 */
export function zonedMoment(date: string, hour: number, timezone: string): Date {
  const naive = Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
  try {
    const first = naive - zoneOffsetMs(naive, timezone);
    return new Date(naive - zoneOffsetMs(first, timezone));
  } catch {
    return new Date(naive);
  }
}
