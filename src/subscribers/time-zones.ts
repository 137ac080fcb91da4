/**
 * IANA time zones: validation (through Intl, so the list is whatever the
 * runtime's ICU knows) and "what day and hour is it there" for the audience.
 */

const MAX_LENGTH = 64;
const formatters = new Map<string, Intl.DateTimeFormat>();
// Creating a DateTimeFormat is slow and the audience asks per subscriber: answers are kept (a few hundred zones at most).
const validity = new Map<string, boolean>();

/** True when Intl accepts the zone (case-insensitively, as Intl does) and it looks like a zone name. */
export function isValidTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > MAX_LENGTH || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return false;
  const known = validity.get(zone);
  if (known !== undefined) return known;
  let valid = true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    valid = false;
  }
  if (validity.size < 5000) validity.set(zone, valid);
  return valid;
}

/** The runtime's spelling of a valid zone ("europe/paris" → "Europe/Paris"), so equal zones compare equal in SQL. */
export function canonicalTimeZone(zone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

/** Every zone the runtime knows, for the preferences form. */
export function allTimeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    formatters.set(zone, formatter);
  }
  return formatter;
}

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** 0–23 in the zone. */
  hour: number;
}

/** The calendar date and hour at `instant` in `zone` (UTC when the zone is unknown). */
export function localTime(instant: Date, zone: string): LocalTime {
  const parts = Object.fromEntries(formatterFor(isValidTimeZone(zone) ? zone : 'UTC').formatToParts(instant).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) % 24 };
}

/** A calendar date plus whole days, as YYYY-MM-DD (calendar arithmetic, no zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, for a calendar date. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

const fullFormatters = new Map<string, Intl.DateTimeFormat>();

/** How far the zone's wall clock is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, zone: string): number {
  let formatter = fullFormatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' });
    fullFormatters.set(zone, formatter);
  }
  const p = Object.fromEntries(formatter.formatToParts(new Date(instant)).map((x) => [x.type, Number(x.value)]));
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant when it is `hour`:00 on `date` in `zone`. Around a DST change an
 * hour that does not exist resolves to the hour after it, as clocks do.
 */
export function zonedInstant(date: string, hour: number, zone: string): Date {
  const safeZone = isValidTimeZone(zone) ? zone : 'UTC';
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour);
  const first = wall - offsetAt(wall, safeZone);
  const second = wall - offsetAt(first, safeZone);
  return new Date(second);
}
