/**
 * The search box's query language, parsed into a structure that the FTS5
 * compiler (fts-match.ts) and the SQL filters consume. The parser never
 * throws: whatever it cannot understand becomes plain words or a warning, so
 * any text a user pastes yields a usable query.
 *
 * Grammar (every part optional, separated by whitespace):
 *   word              a whitespace-delimited run; punctuation inside it
 *                     ("state-of-the-art", "cs.LG") joins its parts into a phrase
 *   "exact phrase"    an unbalanced quote runs the phrase to the end (warning)
 *   -word  -"phrase"  exclusion
 *   author:name  author:"Geoffrey Hinton"  (au:)
 *   cat:cs.LG  (category:)  cat:cs = the whole archive
 *   year:2024  year:2020-2023 (a range, at most 60 years)
 *   after:2025[-03[-01]]  before:…   a partial date stands for its whole period;
 *                     both bounds are inclusive (after:2025 = from 2025-01-01,
 *                     before:2025-06 = through 2025-06-30)
 *   has:code  sort:relevance|newest|trending
 * Field names are case-insensitive; an unknown `foo:bar` is a plain word (the
 * colon is not syntax). Uppercase AND / OR / NOT / NEAR are ordinary words
 * here, not operators: FTS5 would read them as operators, which is why the
 * compiler quotes every term.
 */
import { tokenize } from '../text/tokenize.js';

export interface QueryTerm {
  kind: 'word' | 'phrase';
  /** As typed (trimmed); a phrase without its quotes. */
  text: string;
  negated: boolean;
}

export interface SearchFilters {
  /** Author names as typed; several must all match (co-authors). */
  authors: string[];
  /** Category codes as typed (`cs.LG`), or archives (`cs`); several are alternatives. */
  categories: string[];
  /** Publication years; several are alternatives. */
  years: number[];
  /** Inclusive lower bound on the publication date, YYYY-MM-DD. */
  after?: string;
  /** Inclusive upper bound on the publication date, YYYY-MM-DD. */
  before?: string;
  hasCode?: boolean;
}

export type SortOrder = 'relevance' | 'newest' | 'trending';

export interface SearchQuery {
  /** The text that was parsed (the input, cut to maxLength). */
  raw: string;
  terms: QueryTerm[];
  filters: SearchFilters;
  sort?: SortOrder;
  /** Human-readable notes on what was ignored or reinterpreted. They quote user input: escape before rendering. */
  warnings: string[];
}

export interface ParseOptions {
  /** Longer input is cut (default 1000 characters), with a warning. */
  maxLength?: number;
  /** Terms beyond this are dropped (default 32), with a warning; also bounds each filter list. */
  maxTerms?: number;
}

export const DEFAULT_MAX_LENGTH = 1000;
export const DEFAULT_MAX_TERMS = 32;
/** A year range (or all year: filters together) covers at most this many years, so the compiled OR stays small. */
export const MAX_YEARS = 60;

const SORT_ORDERS: readonly SortOrder[] = ['relevance', 'newest', 'trending'];

type Field = 'author' | 'category' | 'year' | 'after' | 'before' | 'has' | 'sort';

const FIELDS: ReadonlyMap<string, Field> = new Map([
  ['author', 'author'],
  ['au', 'author'],
  ['cat', 'category'],
  ['category', 'category'],
  ['year', 'year'],
  ['after', 'after'],
  ['before', 'before'],
  ['has', 'has'],
  ['sort', 'sort'],
]);

/** One lexical unit: a bare run or a quoted phrase, possibly `field:`-prefixed and/or negated. */
interface Token {
  negated: boolean;
  field?: Field;
  /** The field name as typed, for warnings. */
  fieldName?: string;
  value: string;
  quoted: boolean;
}

interface Context {
  query: SearchQuery;
  maxTerms: number;
}

export function parseQuery(input: string, opts: ParseOptions = {}): SearchQuery {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
  const warnings: string[] = [];
  const raw = cut(String(input ?? ''), maxLength, warnings);
  const query: SearchQuery = { raw, terms: [], filters: { authors: [], categories: [], years: [] }, warnings };
  const ctx: Context = { query, maxTerms: opts.maxTerms ?? DEFAULT_MAX_TERMS };
  for (const token of scan(raw, warnings)) {
    if (token.field) applyField(ctx, token);
    else addTerm(ctx, token);
  }
  checkDateOrder(query);
  return query;
}

/** Cuts at maxLength without splitting a surrogate pair. */
function cut(text: string, maxLength: number, warnings: string[]): string {
  if (text.length <= maxLength) return text;
  let end = Math.max(0, maxLength);
  if (end > 0 && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
  warnings.push(`query cut to its first ${maxLength} characters`);
  return text.slice(0, end);
}

// Control characters (NUL included) separate words like spaces do.
const isSpace = (ch: string): boolean => /[\s\p{Cc}]/u.test(ch);

/** Splits the text into tokens; the only syntax characters are whitespace, `"`, a leading `-` and `field:`. */
function scan(text: string, warnings: string[]): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (isSpace(text[i]!)) {
      i++;
      continue;
    }
    const negated = text[i] === '-' && i + 1 < text.length && !isSpace(text[i + 1]!);
    if (negated) i++;
    if (text[i] === '"') {
      const phrase = readPhrase(text, i, warnings);
      tokens.push({ negated, value: phrase.value, quoted: true });
      i = phrase.end;
      continue;
    }
    let end = i;
    while (end < text.length && !isSpace(text[end]!) && text[end] !== '"') end++;
    const run = text.slice(i, end);
    i = end;
    const colon = run.indexOf(':');
    const field = colon > 0 ? FIELDS.get(run.slice(0, colon).toLowerCase()) : undefined;
    if (!field) {
      tokens.push({ negated, value: run, quoted: false });
      continue;
    }
    const token: Token = { negated, field, fieldName: run.slice(0, colon), value: run.slice(colon + 1), quoted: false };
    // `author:"Geoffrey Hinton"`: the quote right after the colon opens the value.
    if (token.value === '' && text[i] === '"') {
      const phrase = readPhrase(text, i, warnings);
      token.value = phrase.value;
      token.quoted = true;
      i = phrase.end;
    }
    tokens.push(token);
  }
  return tokens;
}

/** Reads `"…"` starting at the opening quote; an unbalanced quote runs to the end. */
function readPhrase(text: string, start: number, warnings: string[]): { value: string; end: number } {
  const close = text.indexOf('"', start + 1);
  if (close < 0) {
    warnings.push('unbalanced quote: the phrase runs to the end of the query');
    return { value: text.slice(start + 1).trim(), end: text.length };
  }
  return { value: text.slice(start + 1, close).trim(), end: close + 1 };
}

function addTerm(ctx: Context, token: Token): void {
  const text = token.value.trim();
  // Nothing searchable ("—", "😀", a lone "-"): FTS5 could not match it anyway.
  if (tokenize(text).length === 0) return;
  const { terms, warnings } = ctx.query;
  if (terms.length >= ctx.maxTerms) {
    warnOnce(warnings, `only the first ${ctx.maxTerms} search terms are used`);
    return;
  }
  terms.push({ kind: token.quoted ? 'phrase' : 'word', text, negated: token.negated });
}

function applyField(ctx: Context, token: Token): void {
  const shown = `${token.fieldName}:${clip(token.value)}`;
  const { warnings } = ctx.query;
  if (token.negated) {
    warnings.push(`ignored -${shown}: filters cannot be excluded`);
    return;
  }
  const value = token.value.trim();
  if (value === '') {
    warnings.push(`ignored ${token.fieldName}: without a value`);
    return;
  }
  const ok = FIELD_HANDLERS[token.field!](ctx, value);
  if (!ok) warnings.push(INVALID[token.field!](shown));
}

/** Why a field's value was rejected, as the user reads it. */
const INVALID: Record<Field, (shown: string) => string> = {
  author: (shown) => `ignored ${shown}: no name in it`,
  category: (shown) => `ignored invalid category in ${shown}`,
  year: (shown) => `ignored invalid year in ${shown} (use year:2024 or year:2020-2023)`,
  after: (shown) => `ignored invalid date in ${shown}`,
  before: (shown) => `ignored invalid date in ${shown}`,
  has: (shown) => `ignored unknown ${shown} (only has:code is known)`,
  sort: (shown) => `ignored unknown ${shown} (use relevance, newest or trending)`,
};

/** Each handler applies a field's value; false means the value was invalid. */
const FIELD_HANDLERS: Record<Field, (ctx: Context, value: string) => boolean> = {
  author: (ctx, value) => {
    if (tokenize(value).length === 0) return false;
    return pushBounded(ctx, ctx.query.filters.authors, value, 'author');
  },
  category: (ctx, value) => {
    // Archive (`cs`, `hep-ex`) or archive.subject (`cs.LG`, `cond-mat.str-el`).
    if (!/^[a-z][a-z-]*(\.[a-z][a-z-]*)?$/i.test(value)) return false;
    return pushBounded(ctx, ctx.query.filters.categories, value, 'category');
  },
  year: (ctx, value) => addYears(ctx, value),
  after: (ctx, value) => setDate(ctx.query.filters, 'after', value),
  before: (ctx, value) => setDate(ctx.query.filters, 'before', value),
  has: (ctx, value) => {
    if (value.toLowerCase() !== 'code') return false;
    ctx.query.filters.hasCode = true;
    return true;
  },
  sort: (ctx, value) => {
    const order = SORT_ORDERS.find((s) => s === value.toLowerCase());
    if (!order) return false;
    ctx.query.sort = order; // the last sort: wins
    return true;
  },
};

/** Adds a filter value unless it is a duplicate; the list is bounded like the terms. */
function pushBounded(ctx: Context, list: string[], value: string, what: string): boolean {
  if (list.some((v) => v.toLowerCase() === value.toLowerCase())) return true;
  if (list.length >= ctx.maxTerms) warnOnce(ctx.query.warnings, `only the first ${ctx.maxTerms} ${what} filters are used`);
  else list.push(value);
  return true;
}

function addYears(ctx: Context, value: string): boolean {
  const m = /^(\d{4})(?:-(\d{4}))?$/.exec(value);
  if (!m) return false;
  let from = Number(m[1]);
  let to = m[2] ? Number(m[2]) : from;
  if (from > to) [from, to] = [to, from];
  if (to - from + 1 > MAX_YEARS) {
    ctx.query.warnings.push(`year range ${clip(value)} limited to its last ${MAX_YEARS} years`);
    from = to - MAX_YEARS + 1;
  }
  const years = ctx.query.filters.years;
  for (let y = from; y <= to; y++) {
    if (years.includes(y)) continue;
    if (years.length >= MAX_YEARS) {
      warnOnce(ctx.query.warnings, `only the first ${MAX_YEARS} years are used`);
      break;
    }
    years.push(y);
  }
  return true;
}

/** `after:` keeps the latest and `before:` the earliest bound given: filters narrow, they never widen. */
function setDate(filters: SearchFilters, bound: 'after' | 'before', value: string): boolean {
  const date = parseDateBound(value, bound === 'after' ? 'start' : 'end');
  if (!date) return false;
  const current = filters[bound];
  if (!current || (bound === 'after' ? date > current : date < current)) filters[bound] = date;
  return true;
}

/** YYYY, YYYY-MM or YYYY-MM-DD → the first (`start`) or last (`end`) day of that period, or undefined if invalid. */
export function parseDateBound(value: string, edge: 'start' | 'end'): string | undefined {
  const m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : edge === 'start' ? 1 : 12;
  if (month < 1 || month > 12) return undefined;
  const lastDay = daysInMonth(year, month);
  const day = m[3] ? Number(m[3]) : edge === 'start' ? 1 : lastDay;
  if (day < 1 || day > lastDay) return undefined;
  return `${m[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Proleptic Gregorian; arithmetic rather than Date, which maps years 0–99 to 1900–1999. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function checkDateOrder(query: SearchQuery): void {
  const { after, before } = query.filters;
  if (after && before && after > before) query.warnings.push(`after:${after} is later than before:${before}, so nothing can match`);
}

function warnOnce(warnings: string[], message: string): void {
  if (!warnings.includes(message)) warnings.push(message);
}

/** Keeps warnings short when they quote a pasted wall of text. */
function clip(text: string): string {
  const chars = [...text];
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : text;
}
