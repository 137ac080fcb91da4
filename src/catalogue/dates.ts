/** Date parsing for metadata: every date is stored as an ISO 8601 UTC string. */

export class InvalidDateError extends Error {
  constructor(readonly raw: string) {
    super(`invalid date "${raw.slice(0, 60)}"`);
    this.name = 'InvalidDateError';
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// RFC 2822 ("Mon, 2 Apr 2007 19:18:42 GMT") and ISO 8601 forms are what our sources use.
const PLAUSIBLE = /^(?:\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?|[A-Za-z]{3},? \d{1,2} [A-Za-z]{3} \d{4}(?: [\d:]+)?(?: (?:GMT|UTC|[+-]\d{4}))?)$/;

/**
 * Parses a source date; `undefined`/empty stays undefined (unknown), while a
 * present but unparseable value throws `InvalidDateError` so the record is rejected.
 */
export function parseSourceDate(raw: string | undefined | null): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (!PLAUSIBLE.test(text)) throw new InvalidDateError(text);
  const ms = DATE_ONLY.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (Number.isNaN(ms)) throw new InvalidDateError(text);
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  // arXiv started in 1991; anything far outside the plausible range is a corrupt value.
  if (year < 1900 || year > 2200) throw new InvalidDateError(text);
  if (DATE_ONLY.test(text) && date.toISOString().slice(0, 10) !== text) throw new InvalidDateError(text);
  return date.toISOString();
}
