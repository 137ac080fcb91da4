/**
 * Turns one window's activity rows into scored papers: votes and views are
 * events as they are; star and Hugging Face counts are snapshots, so their
 * events are the differences between consecutive snapshots (growth, not
 * size: an old famous repository gaining nothing scores nothing).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import {
  hfSnapshots,
  paperDates,
  papersOfRepos,
  papersWithPolledRepos,
  starSnapshots,
  viewTotals,
  votesInRange,
  type DayWeight,
  type HfKey,
  type Range,
  type SnapshotSeries,
} from './activity-store.js';
import { ActivityLedger, scoreActivity, shownComponents } from './score.js';
import type { TrendingComponents, TrendingWindow } from './trending-provider.js';
import { utcDay } from './views.js';

export interface RankedPaper {
  seq: number;
  score: number;
  components: TrendingComponents;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Hugging Face lists a paper in its first days, and a harvest rarely sees it
 * again: its first upvote count is activity of those days. For a paper first
 * seen older than this (a back-fill of past days), it is only a baseline.
 */
export const HF_FRESH_DAYS = 7;

/** A repository linked from more papers than this is a shared dependency ("built on pytorch/pytorch"), not a paper's own code. */
export const MAX_PAPERS_PER_REPO = 3;

/** Days of views weighed one by one in the all-time window (12 half-lives of 30 days, and then some). */
export const ALL_TIME_VIEW_DAYS = 400;

interface Growth<K> {
  key: K;
  delta: number;
  atMs: number;
}

/** Differences between consecutive snapshots; a first-ever snapshot counts only if `countsFromZero` says so. */
function growthEvents<K>(series: SnapshotSeries<K>, countsFromZero: (key: K, observedAt: string) => boolean): Growth<K>[] {
  const previous = new Map(series.baselines);
  const events: Growth<K>[] = [];
  for (const snap of series.inRange) {
    const before = previous.get(snap.key);
    const delta = before !== undefined ? snap.value - before : countsFromZero(snap.key, snap.observedAt) ? snap.value : 0;
    if (delta !== 0) events.push({ key: snap.key, delta, atMs: Date.parse(snap.observedAt) });
    previous.set(snap.key, snap.value);
  }
  return events;
}

async function addVotes(db: Kysely<Database>, range: Range, ledger: ActivityLedger): Promise<void> {
  for (const vote of await votesInRange(db, range)) ledger.add(vote.seq, 'upvotes', 1, Date.parse(vote.createdAt));
}

/**
 * Views are kept per day; a day's views are dated at its noon (UTC), or now
 * for today before noon. All time lists its last ALL_TIME_VIEW_DAYS days:
 * older views still count in the components, but their weight (below 2^-13)
 * is taken as zero rather than listing every day since the start.
 */
async function addViews(db: Kysely<Database>, ledger: ActivityLedger): Promise<void> {
  const toDay = utcDay(new Date(ledger.asOfMs));
  const allTime = !Number.isFinite(ledger.startMs);
  const firstNoon = allTime ? ledger.asOfMs - ALL_TIME_VIEW_DAYS * DAY_MS : ledger.startMs;
  const weights: DayWeight[] = [];
  for (let day = utcDay(new Date(firstNoon - 12 * HOUR_MS)); day <= toDay; day = utcDay(new Date(Date.parse(day) + DAY_MS))) {
    const at = Math.min(Date.parse(`${day}T12:00:00.000Z`), ledger.asOfMs);
    if (at > ledger.startMs && at > firstNoon - DAY_MS) weights.push({ day, weight: ledger.weightAt(at) });
  }
  if (weights.length === 0) return;
  for (const row of await viewTotals(db, weights, allTime)) ledger.addDecayed(row.seq, 'views', row.views, row.weighted);
}

/** Star growth of each polled repository, credited to the papers linking it. */
async function addPolledStars(db: Kysely<Database>, range: Range, ledger: ActivityLedger): Promise<void> {
  const events = growthEvents(await starSnapshots(db, range), () => false);
  const papers = await papersOfRepos(db, events.map((e) => e.key));
  for (const event of events) {
    const seqs = papers.get(event.key) ?? [];
    if (seqs.length > MAX_PAPERS_PER_REPO) continue;
    for (const seq of seqs) ledger.add(seq, 'githubStars', event.delta, event.atMs);
  }
}

const seqOf = (key: HfKey) => Number(key.slice(0, key.indexOf('|')));

/** Hugging Face upvotes, and its GitHub star counts for papers whose repository the poller does not track. */
async function addHuggingFace(db: Kysely<Database>, range: Range, ledger: ActivityLedger, dates: Map<number, number>): Promise<void> {
  const series = await hfSnapshots(db, range);
  const firstSeen = series.inRange.filter((s) => !series.baselines.has(s.key) && s.key.endsWith('|upvotes'));
  const missing = firstSeen.map((s) => seqOf(s.key)).filter((seq) => !dates.has(seq));
  for (const [seq, ms] of await paperDates(db, missing)) dates.set(seq, ms);
  const fresh = (key: HfKey, observedAt: string) =>
    key.endsWith('|upvotes') && Date.parse(observedAt) - (dates.get(seqOf(key)) ?? Number.NEGATIVE_INFINITY) <= HF_FRESH_DAYS * DAY_MS;
  const events = growthEvents(series, fresh);
  const starPapers = events.filter((e) => e.key.endsWith('|github_stars')).map((e) => seqOf(e.key));
  const polled = await papersWithPolledRepos(db, starPapers);
  for (const event of events) {
    const seq = seqOf(event.key);
    if (event.key.endsWith('|upvotes')) ledger.add(seq, 'hfUpvotes', event.delta, event.atMs);
    else if (!polled.has(seq)) ledger.add(seq, 'githubStars', event.delta, event.atMs);
  }
}

/**
 * Every paper with a positive score in the window, best first (ties: newer
 * paper, then catalogue order). `dates` may carry publication dates (epoch ms)
 * from an earlier computation; missing ones are loaded and added to it.
 */
export async function computeRanking(
  db: Kysely<Database>,
  window: TrendingWindow,
  asOf: Date,
  dates: Map<number, number> = new Map(),
): Promise<RankedPaper[]> {
  const ledger = new ActivityLedger(window, asOf.getTime());
  const range: Range = {
    startIso: Number.isFinite(ledger.startMs) ? new Date(ledger.startMs).toISOString() : null,
    asOfIso: asOf.toISOString(),
  };
  await addVotes(db, range, ledger);
  await addViews(db, ledger);
  await addPolledStars(db, range, ledger);
  await addHuggingFace(db, range, ledger, dates);

  const missing = [...ledger.papers.keys()].filter((seq) => !dates.has(seq));
  for (const [seq, ms] of await paperDates(db, missing)) dates.set(seq, ms);
  const ranked: Array<RankedPaper & { published: number }> = [];
  for (const [seq, activity] of ledger.papers) {
    if (!dates.has(seq)) continue; // deleted since
    const published = dates.get(seq)!;
    const score = scoreActivity(activity, published, ledger.asOfMs);
    if (score > 0) ranked.push({ seq, score, components: shownComponents(activity), published });
  }
  ranked.sort((a, b) => b.score - a.score || b.published - a.published || a.seq - b.seq);
  return ranked.map(({ seq, score, components }) => ({ seq, score, components }));
}
