/**
 * What a subscriber may choose, validated in one place for the HTML form,
 * the JSON API and the subscribe box: frequency, send hour, time zone,
 * weekends, papers per mail and topics (saved searches with `-exclusions`,
 * arXiv categories, authors).
 */
import { z } from 'zod';
import { ARXIV_CATEGORIES } from '../catalogue/arxiv-taxonomy.js';
import { parseQuery } from '../search/query/search-query.js';
import { FREQUENCIES, TOPIC_KINDS, type Frequency, type TopicKind } from './subscriber-tables.js';
import { canonicalTimeZone, isValidTimeZone } from './time-zones.js';

export interface Topic {
  kind: TopicKind;
  value: string;
}

export interface Preferences {
  frequency: Frequency;
  sendHour: number;
  timezone: string;
  weekends: boolean;
  papersPerMail: number;
  topics: Topic[];
}

export const DEFAULT_PREFERENCES: Omit<Preferences, 'timezone' | 'topics'> = { frequency: 'daily', sendHour: 8, weekends: true, papersPerMail: 10 };
export const MAX_TOPICS = 30;
export const MAX_PAPERS_PER_MAIL = 30;
const MAX_TOPIC_LENGTH = 300;

const CATEGORY_CODES = Object.keys(ARXIV_CATEGORIES);

/** The taxonomy's spelling of a category or archive ("CS.lg" → "cs.LG", "cs" → "cs"), or undefined. */
export function canonicalCategory(value: string): string | undefined {
  const wanted = value.trim().toLowerCase();
  const exact = CATEGORY_CODES.find((c) => c.toLowerCase() === wanted);
  if (exact) return exact;
  // A whole archive ("cs", "math"), as `cat:cs` means in search.
  return CATEGORY_CODES.some((c) => c.toLowerCase().startsWith(`${wanted}.`)) ? wanted : undefined;
}

/**
 * A saved search must ask for something or exclude something: one made only
 * of exclusions mutes those words in every digest; a bare `sort:` or empty
 * quotes would do nothing.
 */
function isUsefulQuery(value: string): boolean {
  const query = parseQuery(value);
  const { filters } = query;
  return query.terms.length > 0 || filters.authors.length > 0 || filters.categories.length > 0;
}

export const TimeZoneSchema = z
  .string()
  .trim()
  .refine(isValidTimeZone, 'not a time zone this server knows (e.g. Europe/Paris, America/New_York, UTC)')
  .transform(canonicalTimeZone);

export const TopicSchema = z
  .object({ kind: z.enum(TOPIC_KINDS), value: z.string().trim().min(1, 'must not be empty').max(MAX_TOPIC_LENGTH) })
  .transform((topic, ctx) => {
    if (topic.kind === 'category') {
      const code = canonicalCategory(topic.value);
      if (!code) ctx.addIssue({ code: 'custom', message: `"${topic.value}" is not an arXiv category (e.g. cs.LG, math.AG, hep-th)` });
      return { kind: topic.kind, value: code ?? topic.value };
    }
    if (topic.kind === 'query' && !isUsefulQuery(topic.value)) {
      ctx.addIssue({ code: 'custom', message: `"${topic.value}" has nothing to search for` });
    }
    return { kind: topic.kind, value: topic.value.replace(/\s+/g, ' ') };
  });

/** Duplicates (same kind, same value ignoring case) are dropped, first spelling kept. */
export function dedupeTopics(topics: Topic[]): Topic[] {
  const seen = new Set<string>();
  return topics.filter((t) => {
    const key = `${t.kind}:${t.value.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const TopicsSchema = z.array(TopicSchema).max(MAX_TOPICS, `at most ${MAX_TOPICS} topics`).transform(dedupeTopics);

export const PreferencesSchema = z.object({
  frequency: z.enum(FREQUENCIES),
  sendHour: z.coerce.number().int().min(0).max(23),
  timezone: TimeZoneSchema,
  weekends: z.boolean(),
  papersPerMail: z.coerce.number().int().min(1).max(MAX_PAPERS_PER_MAIL),
  topics: TopicsSchema,
});

/** A zone from a browser or client if it is valid, else UTC: a bad hint must not block subscribing. */
export function timeZoneOrUtc(zone: unknown): string {
  return typeof zone === 'string' && isValidTimeZone(zone.trim()) ? canonicalTimeZone(zone.trim()) : 'UTC';
}
