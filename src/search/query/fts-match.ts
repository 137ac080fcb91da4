/**
 * Compiles a parsed SearchQuery into an SQLite FTS5 MATCH expression.
 *
 * Safety by construction: every word and phrase is re-tokenized with our
 * tokenizer (letters and digits only) and emitted as a quoted FTS5 string,
 * and all operators, column names and filter tags come from this file. So no
 * user input can reach FTS5 as syntax: quotes, `*`, `^`, `:`, brackets, NEAR
 * or a bare AND are just text that tokenizes away or becomes a quoted word.
 *
 * Shape: `(<text> AND <filters…>) NOT <exclusions>`, where
 *   text       = {title abstract authors} : ("a" AND ("b" OR "b2") AND "c d")
 *   filters    = authors : ("geoffrey hinton"), search_tags : ("catcslg" OR "archstat"),
 *                search_tags : ("yr2024" OR "yr2025"), search_tags : "hascode"
 *   exclusions = {title abstract authors} : ("x" OR "y z")
 */
import { archiveTag, categoryTag, HAS_CODE_TAG, yearTag } from '../../catalogue/search-tags.js';
import { foldCase, FUNCTION_WORDS, tokenize } from '../text/tokenize.js';
import { daysInMonth, DEFAULT_MAX_TERMS, MAX_YEARS, parseDateBound, type QueryTerm, type SearchFilters, type SearchQuery } from './search-query.js';

export type TextColumn = 'title' | 'abstract' | 'authors';

export interface CompileOptions {
  /** `all`: every positive term must match (implicit AND); `any`: at least one (OR). */
  mode: 'all' | 'any';
  /** Folded word → alternatives (typo corrections, spelling variants), OR-ed with the word. */
  expansions?: ReadonlyMap<string, readonly string[]>;
  /**
   * Columns the positive free-text terms search (default title, abstract, authors; never search_tags,
   * whose tokens are ours). Exclusions always apply to all three.
   */
  columns?: readonly TextColumn[];
  /** Default true: AND the filter tokens (authors, categories, years, dates, has:code) into the match. */
  includeFilters?: boolean;
  /** Terms beyond this are ignored (default 32), so the expression stays bounded. */
  maxTerms?: number;
  /** The year "now" for bounding after:/before: (default: the current UTC year); tests pin it. */
  currentYear?: number;
}

const DEFAULT_COLUMNS: readonly TextColumn[] = ['title', 'abstract', 'authors'];
/** Alternatives per term, so a generous spelling corrector cannot blow up the expression. */
export const MAX_EXPANSIONS = 20;
/** Earliest year an after:/before: bound expands to (arXiv began in 1991). */
export const MIN_INDEXED_YEAR = 1990;

/** An FTS5 string literal. NUL would end the string early inside FTS5 ("unterminated string"), so it becomes a space. */
export function quoteFtsString(text: string): string {
  return `"${text.replace(/\0/g, ' ').replace(/"/g, '""')}"`;
}

/** The text's tokens as one quoted phrase, or undefined when nothing in it is searchable ("—", "😀"). */
function phraseOf(text: string): string | undefined {
  const tokens = tokenize(text);
  return tokens.length > 0 ? quoteFtsString(tokens.join(' ')) : undefined;
}

export function compileFtsMatch(query: SearchQuery, opts: CompileOptions): string | null {
  const columns = columnSpec(opts.columns);
  const terms = query.terms.slice(0, opts.maxTerms ?? DEFAULT_MAX_TERMS);
  const positives = terms.filter((t) => !t.negated).flatMap((t) => termExpr(t, opts.expansions) ?? []);
  const negatives = terms.filter((t) => t.negated).flatMap((t) => phraseOf(t.text) ?? []);

  const parts: string[] = [];
  if (positives.length > 0) parts.push(`${columns} : (${positives.join(opts.mode === 'all' ? ' AND ' : ' OR ')})`);
  const exclusions: string[] = [];
  // An excluded word excludes the paper wherever it occurs, whichever columns the positive words search.
  if (negatives.length > 0) exclusions.push(`${columnSpec(undefined)} : (${negatives.join(' OR ')})`);
  if (opts.includeFilters ?? true) {
    const plan = planFilters(query, opts);
    parts.push(...filterParts(plan));
    exclusions.push(...plan.excludedTags.map((tag) => singleTokenMatch('tags', tag)));
  }
  // FTS5's NOT is binary: exclusions alone cannot form a query.
  if (parts.length === 0) return null;
  const positive = parts.length === 1 ? parts[0]! : parts.join(' AND ');
  if (exclusions.length === 0) return positive;
  const left = parts.length === 1 ? positive : `(${positive})`;
  const right = exclusions.length === 1 ? exclusions[0]! : `(${exclusions.join(' OR ')})`;
  return `${left} NOT ${right}`;
}

/**
 * The match of a single token, as the compiled match writes it: a word in the
 * text columns, or a filter tag. Index structures kept per token
 * (keyword/sqlite-term-bitmaps.ts) read their sets with it.
 */
export function singleTokenMatch(column: 'text' | 'tags', token: string): string {
  return column === 'tags' ? `search_tags : ${quoteFtsString(token)}` : `${columnSpec(undefined)} : ${quoteFtsString(token)}`;
}

function columnSpec(columns: readonly TextColumn[] | undefined): string {
  const chosen = DEFAULT_COLUMNS.filter((c) => (columns && columns.length > 0 ? columns.includes(c) : true));
  return `{${chosen.join(' ')}}`;
}

/** A positive term: its phrase, OR-ed with its expansions (words only: a quoted phrase means exactly that). */
function termExpr(term: QueryTerm, expansions: CompileOptions['expansions']): string | undefined {
  const alternatives = termAlternatives(term, expansions).map((tokens) => quoteFtsString(tokens.join(' ')));
  if (alternatives.length <= 1) return alternatives[0];
  return `(${alternatives.join(' OR ')})`;
}

/**
 * A positive term's token sequences, its own first, then those of its
 * expansions (distinct, at most MAX_EXPANSIONS); empty when nothing in it is
 * searchable. Shared by the FTS5 and PostgreSQL compilers.
 */
export function termAlternatives(term: QueryTerm, expansions: CompileOptions['expansions']): string[][] {
  const base = withoutEdgeFunctionWords(tokenize(term.text));
  if (base.length === 0) return [];
  if (term.kind !== 'word' || !expansions || expansions.size === 0) return [base];
  const seen = new Set([base.join(' ')]);
  const out = [base];
  for (const variant of variants(term.text, expansions)) {
    const tokens = withoutEdgeFunctionWords(tokenize(variant));
    const key = tokens.join(' ');
    if (tokens.length > 0 && !seen.has(key)) {
      seen.add(key);
      out.push(tokens);
    }
    if (out.length > MAX_EXPANSIONS) break;
  }
  return out;
}

/**
 * A phrase without the function words at its ends ("quantization in" → "quantization",
 * "in context learning" → "context learning"), as search engines with an English
 * analyzer drop stop words from phrases: they add nothing a reader means, and
 * checking the positions of "the" or "in" in nearly every paper makes such a
 * phrase the slowest query there is (tens of milliseconds at a million papers).
 * Function words inside a phrase stay ("mixture of experts"); a phrase of
 * nothing but function words stays whole.
 */
export function withoutEdgeFunctionWords(tokens: string[]): string[] {
  let start = 0;
  let end = tokens.length;
  while (start < end && FUNCTION_WORDS.has(tokens[start]!)) start++;
  while (end > start && FUNCTION_WORDS.has(tokens[end - 1]!)) end--;
  return start === end ? tokens : tokens.slice(start, end);
}

/**
 * Alternative spellings of a word. A single-token word uses its own entry;
 * in a joined word ("transfomer-based") each token is replaced by each of its
 * alternatives in turn, so the variant stays a phrase.
 */
function* variants(text: string, expansions: ReadonlyMap<string, readonly string[]>): Generator<string> {
  const tokens = tokenize(text);
  const whole = expansions.get(foldCase(text.trim())) ?? (tokens.length > 1 ? undefined : expansions.get(tokens[0]!));
  if (whole) yield* whole;
  if (tokens.length < 2) return;
  for (let i = 0; i < tokens.length; i++) {
    for (const alt of expansions.get(tokens[i]!) ?? []) yield [...tokens.slice(0, i), alt, ...tokens.slice(i + 1)].join(' ');
  }
}

/** parseQuery bounds its lists already; a hand-built query gets the same bounds here. */
function boundedFilters(filters: SearchFilters, maxTerms = DEFAULT_MAX_TERMS): SearchFilters {
  return {
    ...filters,
    authors: filters.authors.slice(0, maxTerms),
    categories: filters.categories.slice(0, maxTerms),
    years: filters.years.slice(0, MAX_YEARS),
  };
}

/** The filters as index terms, for any dialect's compiler. */
export interface FilterPlan {
  /** Author names as token sequences: each must match the authors field. */
  authors: string[][];
  /** Groups of filter tags: each group must match, any tag within it. */
  tagGroups: string[][];
  /** Tags that must not match ("has:no-code"). */
  excludedTags: string[];
}

export function planFilters(query: SearchQuery, opts: Pick<CompileOptions, 'maxTerms' | 'currentYear'> = {}): FilterPlan {
  const filters = boundedFilters(query.filters, opts.maxTerms);
  const authors = filters.authors.map((author) => tokenize(author)).filter((tokens) => tokens.length > 0);
  const tagGroups: string[][] = [];
  const categories = unique(filters.categories.map(categoryFilterTag).filter((t): t is string => t !== undefined));
  if (categories.length > 0) tagGroups.push(categories);
  const years = yearTags(filters, opts.currentYear ?? new Date().getUTCFullYear());
  if (years.length > 0) tagGroups.push(years);
  if (filters.hasCode === true) tagGroups.push([HAS_CODE_TAG]);
  // "Without code" has no tag of its own; it is the exclusion of the has-code tag.
  return { authors, tagGroups, excludedTags: filters.hasCode === false ? [HAS_CODE_TAG] : [] };
}

/** The filter conjuncts: each one narrows, alternatives inside one are OR-ed. */
function filterParts(plan: FilterPlan): string[] {
  const parts = plan.authors.map((tokens) => `authors : (${quoteFtsString(tokens.join(' '))})`);
  for (const group of plan.tagGroups) {
    parts.push(group.length === 1 && group[0] === HAS_CODE_TAG ? singleTokenMatch('tags', HAS_CODE_TAG) : tagGroup(group));
  }
  return parts;
}

function tagGroup(tags: string[]): string {
  return `search_tags : (${tags.map(quoteFtsString).join(' OR ')})`;
}

/** `cs.LG` → its category tag; `cs` (no subject) → the archive tag, matching every cs.* paper. */
function categoryFilterTag(category: string): string | undefined {
  const text = category.trim();
  const tag = text.includes('.') ? categoryTag(text) : archiveTag(text);
  return /^(cat|arch)$/.test(tag) ? undefined : tag;
}

/**
 * Year tags for year: and after:/before:. The date range is clamped to
 * MIN_INDEXED_YEAR..currentYear+1 so its OR stays bounded; exact days are
 * checked by the caller in SQL (dateBounds). When year: and the range
 * disagree, the year: list is kept and the SQL bounds exclude everything,
 * which is the right (empty) answer.
 */
function yearTags(filters: SearchFilters, currentYear: number): string[] {
  return taggedYears(filters, currentYear).map(yearTag);
}

function taggedYears(filters: SearchFilters, currentYear: number): number[] {
  const listed = unique(filters.years.filter((y) => Number.isInteger(y) && y >= 0 && y <= 9999));
  const range = dateYearRange(filters, currentYear);
  if (!range) return listed;
  if (listed.length > 0) {
    const inRange = listed.filter((y) => y >= range.from && y <= range.to);
    return inRange.length > 0 ? inRange : listed;
  }
  const years: number[] = [];
  for (let y = range.from; y <= range.to; y++) years.push(y);
  return years;
}

/** The clamped years covered by after:/before:, or undefined when they do not narrow the years at all. */
function dateYearRange(filters: SearchFilters, currentYear: number): { from: number; to: number } | undefined {
  const first = MIN_INDEXED_YEAR;
  const last = currentYear + 1;
  const afterYear = filters.after ? Number(filters.after.slice(0, 4)) : NaN;
  const beforeYear = filters.before ? Number(filters.before.slice(0, 4)) : NaN;
  const from = Number.isInteger(afterYear) ? Math.min(Math.max(afterYear, first), last) : first;
  const to = Number.isInteger(beforeYear) ? Math.max(Math.min(beforeYear, last), first) : last;
  if (from === first && to === last) return undefined;
  // after > before: no year can match; leave it to the SQL bounds, which return nothing.
  if (from > to) return undefined;
  return { from, to };
}

/**
 * The exact date filter for SQL on `papers.published_at` (ISO timestamps):
 * `published_at >= after AND published_at < before`. `after` is the first
 * instant of the after: day; `before` is the first instant of the day AFTER
 * the before: day, because before: is inclusive and timestamps of that day
 * sort after its bare date.
 */
export function dateBounds(query: SearchQuery): { after?: string; before?: string } {
  const bounds: { after?: string; before?: string } = {};
  const after = query.filters.after && parseDateBound(query.filters.after, 'start');
  const before = query.filters.before && parseDateBound(query.filters.before, 'end');
  if (after) bounds.after = `${after}T00:00:00.000Z`;
  const next = before && nextDay(before);
  if (next) bounds.before = `${next}T00:00:00.000Z`;
  return bounds;
}

/**
 * The part of dateBounds that the year tags of the match do not already
 * imply. A bound on a year's edge (`after:2015-01-01`, `before:2024`) is
 * exactly what the tags say, so SQL need not join each match to its paper to
 * check it again — at a million papers that join costs more than the match.
 */
export function residualDateBounds(query: SearchQuery, opts: Pick<CompileOptions, 'currentYear'> = {}): { after?: string; before?: string } {
  const bounds = dateBounds(query);
  if (!bounds.after && !bounds.before) return bounds;
  const years = taggedYears(boundedFilters(query.filters), opts.currentYear ?? new Date().getUTCFullYear());
  if (years.length === 0) return bounds;
  const startOf = (year: number) => `${String(year).padStart(4, '0')}-01-01T00:00:00.000Z`;
  // Every tagged paper was published in one of `years`: on or after the first's start, before the end of the last.
  const out: { after?: string; before?: string } = {};
  if (bounds.after && bounds.after > startOf(Math.min(...years))) out.after = bounds.after;
  if (bounds.before && (Math.max(...years) >= 9999 || bounds.before < startOf(Math.max(...years) + 1))) out.before = bounds.before;
  return out;
}

/** The day after a YYYY-MM-DD date; undefined past 9999-12-31, where no upper bound is needed. */
function nextDay(date: string): string | undefined {
  let [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (++d > daysInMonth(y, m)) [m, d] = [m + 1, 1];
  if (m > 12) [y, m] = [y + 1, 1];
  if (y > 9999) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
