/**
 * Which papers go into one subscriber's digest, and why each one.
 *
 * 1. Trending papers of the period (the trending provider's ranking; without
 *    one, or when nothing had any activity, the newest papers of the period).
 * 2. Papers matching the subscriber's topics: each saved search, category and
 *    author is a search restricted to the period, taken round-robin so that
 *    one busy topic cannot crowd out the others.
 * Then: a topic made only of exclusions (`-crypto -blockchain`) mutes those
 * words everywhere, trending included; nothing already sent in an earlier
 * edition (by current or former id); no paper twice (same id, arXiv id or
 * normalised title); at most `papersPerMail`. With topics, trending gets half
 * the places and topics the rest (unused places go back to trending).
 */
import type { Kysely } from 'kysely';
import { titleKey } from '../catalogue/identifiers.js';
import type { Paper } from '../catalogue/paper.js';
import type { Database } from '../db/schema.js';
import { parseQuery, type SearchQuery } from '../search/query/search-query.js';
import { matchesQueryFilters } from '../search/search-filters.js';
import type { SearchRequest, SearchResponse } from '../search/search-service.js';
import type { Topic } from '../subscribers/preferences.js';
import type { TrendingProvider } from '../trending/trending-provider.js';
import type { EditionPeriod } from './compose-period.js';
import type { SelectionMemo } from './compose-memo.js';
import { alreadySentIds, formerIds, hasUndatedPapersIn, newestPapersInPeriod, papersByIds } from './compose-queries.js';
import { isMuteTopic, topicQuery } from './compose-topics.js';

export type Reason = { kind: 'trending'; explanation: string } | { kind: 'new' } | { kind: 'topic'; topic: Topic };

export interface DigestItem {
  paper: Paper;
  section: 'trending' | 'topics';
  reasons: Reason[];
}

export interface SelectionDeps {
  db: Kysely<Database>;
  search?: { search(request: SearchRequest): Promise<SearchResponse> };
  trending?: TrendingProvider;
  /** Shares what does not depend on the subscriber (a topic's matches, papers, former ids) between the mails of an edition. */
  memo?: SelectionMemo;
}

export interface SelectionInput {
  subscriberId: number;
  papersPerMail: number;
  topics: Topic[];
  period: EditionPeriod;
}

interface Candidate {
  paper: Paper;
  reason: Reason;
}

const MAX_POOL = 200;

async function trendingCandidates(deps: SelectionDeps, period: EditionPeriod, pool: number): Promise<Candidate[]> {
  if (deps.trending) {
    const page = await deps.trending.ranking({ window: period.window, limit: pool, offset: 0, asOf: period.asOf });
    if (page.fallback !== 'newest') return page.entries.map((e) => ({ paper: e.paper, reason: { kind: 'trending', explanation: e.explanation } }));
  }
  // No activity to rank by: the period's newest papers, and the mail says so.
  const newest = () => newestPapersInPeriod(deps.db, period, pool);
  const papers = await (deps.memo ? deps.memo.periodPapers.get(`${period.start}|${period.end}|${pool}`, newest) : newest());
  return papers.map((paper) => ({ paper, reason: { kind: 'new' } }));
}

function undatedPapersIn(deps: SelectionDeps, period: EditionPeriod): Promise<boolean> {
  const ask = () => hasUndatedPapersIn(deps.db, period);
  return deps.memo ? deps.memo.undatedIn.get(`${period.start}|${period.end}`, ask) : ask();
}

function papersWithIds(deps: SelectionDeps, ids: string[]): Promise<Map<string, Paper>> {
  return deps.memo ? deps.memo.papers.getMany(ids, (missing) => papersByIds(deps.db, missing)) : papersByIds(deps.db, ids);
}

/** Former id → current id, for these papers. */
async function formerIdsOf(deps: SelectionDeps, ids: string[]): Promise<Map<string, string>> {
  if (!deps.memo) return formerIds(deps.db, ids);
  const byPaper = await deps.memo.formerIds.getMany(
    ids,
    async (missing) => {
      const grouped = new Map<string, string[]>();
      for (const [alias, id] of await formerIds(deps.db, missing)) grouped.set(id, [...(grouped.get(id) ?? []), alias]);
      return grouped;
    },
    [],
  );
  const out = new Map<string, string>();
  for (const [id, aliases] of byPaper) for (const alias of aliases) out.set(alias, id);
  return out;
}

function inPeriod(paper: Paper, period: EditionPeriod): boolean {
  const when = paper.publishedAt ?? paper.firstSeenAt;
  return when >= period.start && when < period.end;
}

/** Ids matching one topic in the period, best first. Undated papers (which `after:` cannot see) are looked for only when some arrived. */
async function searchTopic(deps: SelectionDeps, topic: Topic, period: EditionPeriod, limit: number, undated: boolean): Promise<string[]> {
  const compute = () => runTopicSearch(deps, topic, period, limit, undated);
  if (!deps.memo) return compute();
  return deps.memo.topicMatches.get(JSON.stringify([topic.kind, topic.value, period.afterDate, period.beforeDate, limit, undated]), compute);
}

async function runTopicSearch(deps: SelectionDeps, topic: Topic, period: EditionPeriod, limit: number, undated: boolean): Promise<string[]> {
  if (!deps.search) return [];
  const q = topicQuery(topic);
  const mode = topic.kind === 'query' ? 'hybrid' : 'keyword';
  const dated = await deps.search.search({ q: `${q} after:${period.afterDate} before:${period.beforeDate}`, limit, offset: 0, mode });
  const ids = dated.results.map((r) => r.id);
  if (undated) {
    const all = await deps.search.search({ q, limit, offset: 0, mode });
    ids.push(...all.results.filter((r) => r.published === null).map((r) => r.id));
  }
  return ids;
}

/** Topic matches interleaved: first hit of each topic, then the second of each, … */
async function topicCandidates(deps: SelectionDeps, input: SelectionInput, pool: number): Promise<Candidate[]> {
  const topics = input.topics.filter((t) => !isMuteTopic(t));
  if (topics.length === 0 || !deps.search) return [];
  const undated = await undatedPapersIn(deps, input.period);
  const perTopic = Math.min(50, input.papersPerMail * 3);
  const lists = await Promise.all(topics.map((t) => searchTopic(deps, t, input.period, perTopic, undated)));
  const papers = await papersWithIds(deps, lists.flat());
  const out: Candidate[] = [];
  for (let rank = 0; out.length < pool && lists.some((l) => rank < l.length); rank++) {
    lists.forEach((list, i) => {
      const paper = list[rank] !== undefined ? papers.get(list[rank]!) : undefined;
      // Undated papers came from a search without date bounds: keep those that arrived in the period.
      if (paper && (paper.publishedAt !== null || inPeriod(paper, input.period))) out.push({ paper, reason: { kind: 'topic', topic: topics[i]! } });
    });
  }
  return out;
}

/**
 * Merges candidates into items: one per paper (by id, arXiv id, or normalised
 * title), reasons combined. Returns the items these candidates touched, new
 * or already known, in candidate order.
 */
function mergeCandidates(candidates: Candidate[], section: DigestItem['section'], into: Map<string, DigestItem>, keys: Map<string, string>): DigestItem[] {
  const touched = new Set<DigestItem>();
  for (const { paper, reason } of candidates) {
    const identity = identityOf(paper);
    const knownAs = identity.map((k) => keys.get(k)).find((id) => id !== undefined);
    const existing = knownAs ? into.get(knownAs) : undefined;
    if (existing) {
      if (!existing.reasons.some((r) => JSON.stringify(r) === JSON.stringify(reason))) existing.reasons.push(reason);
      touched.add(existing);
      continue;
    }
    const item: DigestItem = { paper, section, reasons: [reason] };
    into.set(paper.id, item);
    for (const k of identity) keys.set(k, paper.id);
    touched.add(item);
  }
  return [...touched];
}

/** Papers come from the edition's memo, shared by many mails: their identity keys are worked out once. */
const identities = new WeakMap<Paper, string[]>();

function identityOf(paper: Paper): string[] {
  let keys = identities.get(paper);
  if (!keys) {
    keys = [`id:${paper.id}`, paper.arxivId ? `arxiv:${paper.arxivId}` : '', titleIdentity(paper.title)].filter((k) => k !== '');
    identities.set(paper, keys);
  }
  return keys;
}

/** Titles identify a paper only when specific enough: two papers called "Introduction" are not one. */
function titleIdentity(title: string): string {
  const key = titleKey(title);
  return key.split(' ').length >= 3 && key.length >= 16 ? `title:${key}` : '';
}

async function dropAlreadySent(deps: SelectionDeps, subscriberId: number, items: DigestItem[]): Promise<DigestItem[]> {
  const ids = items.map((i) => i.paper.id);
  const former = await formerIdsOf(deps, ids);
  const sent = await alreadySentIds(deps.db, subscriberId, [...ids, ...former.keys()]);
  const sentCurrent = new Set([...sent].map((id) => former.get(id) ?? id));
  return items.filter((i) => !sentCurrent.has(i.paper.id));
}

export async function selectPapers(deps: SelectionDeps, input: SelectionInput): Promise<DigestItem[]> {
  const n = input.papersPerMail;
  const pool = Math.min(MAX_POOL, n * 4 + 20);
  const mutes: SearchQuery[] = input.topics.filter(isMuteTopic).map((t) => parseQuery(t.value));
  const allowed = (c: Candidate) => mutes.every((m) => matchesQueryFilters(c.paper, m));
  const [trending, topical] = await Promise.all([trendingCandidates(deps, input.period, pool), topicCandidates(deps, input, pool)]);

  const items = new Map<string, DigestItem>();
  const keys = new Map<string, string>();
  const trendingItems = mergeCandidates(trending.filter(allowed), 'trending', items, keys);
  const topicItems = mergeCandidates(topical.filter(allowed), 'topics', items, keys);
  const fresh = new Set((await dropAlreadySent(deps, input.subscriberId, [...items.values()])).map((i) => i.paper.id));
  const freshTrending = trendingItems.filter((i) => fresh.has(i.paper.id));
  const freshTopics = topicItems.filter((i) => fresh.has(i.paper.id));
  return allocate(freshTrending, freshTopics, n);
}

/**
 * Trending first, then topics. With topic matches, trending keeps half the
 * places; a trending paper that also matches a topic stays in trending (its
 * topic noted), unless it did not make the trending cut, when it becomes a
 * topic match; places topics leave unused go back to trending.
 */
function allocate(trending: DigestItem[], topical: DigestItem[], n: number): DigestItem[] {
  const quota = topical.length > 0 ? Math.ceil(n / 2) : n;
  const firstCut = new Set(trending.slice(0, quota));
  const topics = topical.filter((i) => !firstCut.has(i)).slice(0, n - firstCut.size);
  const chosenTopics = new Set(topics);
  const chosenTrending = trending.filter((i) => !chosenTopics.has(i)).slice(0, n - topics.length);
  return [...chosenTrending, ...topics.map((i) => ({ ...i, section: 'topics' as const }))];
}
