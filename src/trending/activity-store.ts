/**
 * Trending's read queries: the activity of one window, from the activity
 * tables only (never a scan of the catalogue), plus the few paper facts the
 * score needs. Dialect-neutral Kysely; timestamps are ISO text, so ranges
 * are string comparisons.
 */
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { Database, PapersTable } from '../db/schema.js';
import { chunks, trendingDb } from './trending-tables.js';

export interface Range {
  /** Exclusive lower bound (ISO); null for all time. */
  startIso: string | null;
  /** Inclusive upper bound (ISO). */
  asOfIso: string;
}

export interface VoteRow {
  seq: number;
  createdAt: string;
}

export async function votesInRange(db: Kysely<Database>, range: Range): Promise<VoteRow[]> {
  let query = trendingDb(db).selectFrom('paper_votes').select(['paper_seq', 'created_at']).where('created_at', '<=', range.asOfIso);
  if (range.startIso !== null) query = query.where('created_at', '>', range.startIso);
  const rows = await query.execute();
  return rows.map((r) => ({ seq: Number(r.paper_seq), createdAt: r.created_at }));
}

export interface DayWeight {
  day: string;
  weight: number;
}

export interface ViewTotals {
  seq: number;
  /** Distinct-visitor views in the range. */
  views: number;
  /** The same views, each day's multiplied by its weight (days before the first listed weigh 0). */
  weighted: number;
}

/**
 * A day's weight as a balanced CASE tree over consecutive days: about
 * log2(days) comparisons per row instead of one per listed day. Weights are
 * numbers we computed, inlined as literals so PostgreSQL types them numeric.
 */
function dayWeightTree(weights: readonly DayWeight[]): RawBuilder<number> {
  if (weights.length === 1) return sql<number>`${sql.lit(weights[0]!.weight)}`;
  const mid = Math.floor(weights.length / 2);
  return sql<number>`(case when day < ${weights[mid]!.day} then ${dayWeightTree(weights.slice(0, mid))} else ${dayWeightTree(weights.slice(mid))} end)`;
}

/**
 * Views per paper up to `toDay`, weighted per day in SQL, so one row per paper
 * comes back rather than one per paper and day. `weights` lists consecutive
 * days, oldest first, ending at `toDay`; with `countEarlier`, views before the
 * first listed day count too (weightless), else they are not read.
 */
export async function viewTotals(db: Kysely<Database>, weights: readonly DayWeight[], countEarlier: boolean): Promise<ViewTotals[]> {
  const first = weights[0]!.day;
  const toDay = weights[weights.length - 1]!.day;
  let query = trendingDb(db)
    .selectFrom('paper_views')
    .select((eb) => [
      'paper_seq',
      eb.fn.countAll<number>().as('n'),
      sql<number>`sum(case when day < ${first} then 0.0 else ${dayWeightTree(weights)} end)`.as('w'),
    ])
    .where('day', '<=', toDay)
    .groupBy('paper_seq');
  if (!countEarlier) query = query.where('day', '>=', first);
  const rows = await query.execute();
  return rows.map((r) => ({ seq: Number(r.paper_seq), views: Number(r.n), weighted: Number(r.w) }));
}

export interface Snapshot<K> {
  key: K;
  value: number;
  observedAt: string;
}

/** Snapshots inside the range, in time order per key, and each key's last value before the range (its baseline). */
export interface SnapshotSeries<K> {
  inRange: Snapshot<K>[];
  baselines: Map<K, number>;
}

export async function starSnapshots(db: Kysely<Database>, range: Range): Promise<SnapshotSeries<string>> {
  const tdb = trendingDb(db);
  let query = tdb
    .selectFrom('repo_star_snapshots')
    .select(['repo', 'stars', 'observed_at'])
    .where('observed_at', '<=', range.asOfIso)
    .orderBy('repo')
    .orderBy('observed_at');
  if (range.startIso !== null) query = query.where('observed_at', '>', range.startIso);
  const inRange = (await query.execute()).map((r) => ({ key: r.repo, value: Number(r.stars), observedAt: r.observed_at }));
  const baselines = new Map<string, number>();
  const start = range.startIso;
  if (start === null) return { inRange, baselines };
  for (const part of chunks([...new Set(inRange.map((s) => s.key))])) {
    const rows = await tdb
      .selectFrom('repo_star_snapshots as s')
      .select(['s.repo', 's.stars'])
      .where('s.repo', 'in', part)
      .where('s.observed_at', '=', (eb) =>
        eb
          .selectFrom('repo_star_snapshots as t')
          .select((e) => e.fn.max('t.observed_at').as('latest'))
          .whereRef('t.repo', '=', 's.repo')
          .where('t.observed_at', '<=', start),
      )
      .execute();
    for (const row of rows) baselines.set(row.repo, Number(row.stars));
  }
  return { inRange, baselines };
}

export type HfMetric = 'upvotes' | 'github_stars';
/** `${seq}|${metric}` */
export type HfKey = `${number}|${HfMetric}`;

/** Hugging Face upvotes and GitHub stars that ingest stored (a snapshot each time a value changed). */
export async function hfSnapshots(db: Kysely<Database>, range: Range): Promise<SnapshotSeries<HfKey>> {
  let query = db
    .selectFrom('paper_signals')
    .select(['paper_seq', 'metric', 'value', 'observed_at'])
    .where('source', '=', 'huggingface')
    .where('metric', 'in', ['upvotes', 'github_stars'])
    .where('observed_at', '<=', range.asOfIso)
    .orderBy('paper_seq')
    .orderBy('metric')
    .orderBy('observed_at')
    .orderBy('id');
  if (range.startIso !== null) query = query.where('observed_at', '>', range.startIso);
  const inRange = (await query.execute()).map((r) => ({
    key: `${Number(r.paper_seq)}|${r.metric as HfMetric}` as HfKey,
    value: Number(r.value),
    observedAt: r.observed_at,
  }));
  const baselines = new Map<HfKey, number>();
  const start = range.startIso;
  if (start === null) return { inRange, baselines };
  const seqs = [...new Set(inRange.map((s) => Number(s.key.split('|')[0])))];
  for (const part of chunks(seqs)) {
    // Every earlier snapshot of these papers, oldest first: the last one per metric wins.
    const rows = await db
      .selectFrom('paper_signals')
      .select(['paper_seq', 'metric', 'value'])
      .where('paper_seq', 'in', part)
      .where('source', '=', 'huggingface')
      .where('metric', 'in', ['upvotes', 'github_stars'])
      .where('observed_at', '<=', start)
      .orderBy('observed_at')
      .orderBy('id')
      .execute();
    for (const row of rows) baselines.set(`${Number(row.paper_seq)}|${row.metric as HfMetric}`, Number(row.value));
  }
  return { inRange, baselines };
}

/** The papers linking each repository (from `paper_repos`, kept by the GitHub poller). */
export async function papersOfRepos(db: Kysely<Database>, repos: readonly string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const part of chunks([...new Set(repos)])) {
    const rows = await trendingDb(db).selectFrom('paper_repos').select(['repo', 'paper_seq']).where('repo', 'in', part).execute();
    for (const row of rows) out.set(row.repo, [...(out.get(row.repo) ?? []), Number(row.paper_seq)]);
  }
  return out;
}

/** Those of `seqs` with a repository the GitHub poller tracks: their stars come from the poller, not Hugging Face. */
export async function papersWithPolledRepos(db: Kysely<Database>, seqs: readonly number[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (const part of chunks([...new Set(seqs)])) {
    const rows = await trendingDb(db)
      .selectFrom('paper_repos')
      .innerJoin('github_repo_state', 'github_repo_state.repo', 'paper_repos.repo')
      .select('paper_repos.paper_seq')
      .where('paper_repos.paper_seq', 'in', part)
      .where('github_repo_state.status', '=', 'ok')
      .execute();
    for (const row of rows) out.add(Number(row.paper_seq));
  }
  return out;
}

/** Publication date per paper (first-seen date when the source gave none), as epoch ms. */
export async function paperDates(db: Kysely<Database>, seqs: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const part of chunks([...new Set(seqs)])) {
    const rows = await db.selectFrom('papers').select(['seq', 'published_at', 'first_seen_at']).where('seq', 'in', part).execute();
    for (const row of rows) out.set(Number(row.seq), Date.parse(row.published_at ?? row.first_seen_at));
  }
  return out;
}

export interface StoredPaperRow {
  seq: number;
  row: Selectable<PapersTable>;
}

/**
 * Newest first, undated papers last (the home page's order), for the fallback
 * when a window had no activity. Dated and undated papers are read apart so
 * that the dated page walks the published_at index instead of sorting the
 * whole catalogue.
 */
export async function newestPaperRows(db: Kysely<Database>, limit: number, offset: number): Promise<StoredPaperRow[]> {
  const dated = await db
    .selectFrom('papers')
    .selectAll()
    .where('published_at', 'is not', null)
    .orderBy('published_at', 'desc')
    .orderBy('seq', 'asc')
    .limit(limit)
    .offset(offset)
    .execute();
  let rows = dated;
  if (dated.length < limit) {
    const datedCount = dated.length > 0 ? offset + dated.length : await countDated(db);
    const undated = await db
      .selectFrom('papers')
      .selectAll()
      .where('published_at', 'is', null)
      .orderBy('seq', 'asc')
      .limit(limit - dated.length)
      .offset(Math.max(0, offset - datedCount))
      .execute();
    rows = [...dated, ...undated];
  }
  return rows.map((row) => ({ seq: Number(row.seq), row }));
}

async function countDated(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('papers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('published_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
