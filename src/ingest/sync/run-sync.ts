/**
 * `paperboy sync`: incremental harvests from the configured sources. Each page
 * is stored in the same transaction as the checkpoint saying where to go on,
 * so a run killed at any point resumes without a gap, and re-harvested
 * overlap merges instead of duplicating. One failing source is recorded and
 * reported; the others still run.
 */
import type { Config } from '../../config/config.js';
import type { DatabaseHandle } from '../../db/connection.js';
import type { HttpClient } from '../fetch/http-client.js';
import { addCounts, emptyCounts, RejectionReporter, type IngestCounts } from '../ingest-batches.js';
import { fetchDocument, fetchPages, type ParsedDocument } from '../paged-documents.js';
import { storeDocument } from '../run-ingest.js';
import { getHarvestState, markHarvestAttempt, markHarvestFailure, markHarvestSuccess, saveCheckpoint } from './harvest-state.js';
import { apiQueryUrl, hfDailyUrl, oaiListUrl, rssUrl, SOURCE_FORMAT, type SyncSource } from './sync-sources.js';

export interface SyncDeps {
  config: Config;
  database: DatabaseHandle;
  http: HttpClient;
  log: (message: string) => void;
  /** Today's date (UTC, YYYY-MM-DD); injectable for tests. */
  today?: string;
}

export interface SourceReport {
  key: string;
  ok: boolean;
  counts: IngestCounts;
  pages: number;
  error?: string;
}

interface RangeCheckpoint {
  from: string;
  until: string;
  nextUrl: string;
}

const BATCH_SIZE = 2000;
// A first HF harvest, or one after a long outage, catches up at most this many days per run.
const MAX_DAYS_PER_RUN = 31;
const DEFAULT_LOOKBACK_DAYS = 3;

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function startDay(deps: SyncDeps, harvestedUntil: string | null | undefined, today: string): string {
  return harvestedUntil ?? deps.config.SYNC_START_DATE ?? addDays(today, -DEFAULT_LOOKBACK_DAYS);
}

class SourceRun {
  readonly counts = emptyCounts();
  pages = 0;
  readonly rejections: RejectionReporter;
  constructor(
    readonly deps: SyncDeps,
    readonly source: SyncSource,
  ) {
    this.rejections = new RejectionReporter((m) => deps.log(`[${source.key}] ${m}`));
  }

  async store(doc: ParsedDocument, checkpoint: (trx: Parameters<typeof saveCheckpoint>[0]) => Promise<void>): Promise<void> {
    addCounts(this.counts, await storeDocument(this.deps.database, doc, BATCH_SIZE, this.rejections, checkpoint));
    this.pages++;
  }
}

/** OAI-PMH and the arXiv API: a date range, paged, resumable from the saved next-page URL. */
async function harvestRange(run: SourceRun, firstUrl: (from: string, until: string) => string, today: string): Promise<string> {
  const { deps, source } = run;
  const state = await getHarvestState(deps.database.db, source.key);
  const saved = state?.checkpoint ? (JSON.parse(state.checkpoint) as RangeCheckpoint) : undefined;
  const from = saved?.from ?? startDay(deps, state?.harvested_until, today);
  const until = saved?.until ?? today;
  const format = SOURCE_FORMAT[source.kind];
  let url = saved?.nextUrl ?? firstUrl(from, until);
  if (saved) deps.log(`[${source.key}] resuming ${from}..${until} at ${url}`);
  let first = await fetchDocument(url, format, deps);
  if (saved && first.fatal && /badResumptionToken/.test(first.fatal)) {
    // Tokens expire; restarting the same range is safe because records merge.
    deps.log(`[${source.key}] resumption token expired, restarting ${from}..${until}`);
    url = firstUrl(from, until);
    first = await fetchDocument(url, format, deps);
  }
  await fetchPages(url, format, first, {
    http: deps.http,
    log: (m) => deps.log(`[${source.key}] ${m}`),
    onPage: (doc, _origin, nextUrl) =>
      run.store(doc, (trx) => saveCheckpoint(trx, source.key, nextUrl ? ({ from, until, nextUrl } satisfies RangeCheckpoint) : null)),
  });
  // The last day may still grow; the next run starts at it again (overlap merges).
  return until;
}

/** Hugging Face daily papers: one request per day; finished days are never fetched again. */
async function harvestDays(run: SourceRun, today: string): Promise<string> {
  const { deps, source } = run;
  const state = await getHarvestState(deps.database.db, source.key);
  let day = state?.harvested_until ? addDays(state.harvested_until, 1) : startDay(deps, undefined, today);
  let done = state?.harvested_until ?? addDays(day, -1);
  for (let n = 0; day <= today && n < MAX_DAYS_PER_RUN; n++, day = addDays(day, 1)) {
    const doc = await fetchDocument(hfDailyUrl(deps.config, day), 'hf-daily', deps);
    const finished = day < today ? day : undefined;
    await run.store(doc, (trx) => saveCheckpoint(trx, source.key, null, finished));
    if (finished) done = finished;
  }
  return done;
}

async function harvestSource(run: SourceRun, today: string): Promise<string | null> {
  const { deps, source } = run;
  switch (source.kind) {
    case 'oai':
      return harvestRange(run, (from, until) => oaiListUrl(deps.config, source, from, until), today);
    case 'api':
      return harvestRange(run, (from, until) => apiQueryUrl(deps.config, source, from, until), today);
    case 'hf-daily':
      return harvestDays(run, today);
    case 'rss': {
      const doc = await fetchDocument(rssUrl(deps.config, source), 'arxiv-rss', deps);
      await run.store(doc, async () => {});
      return today;
    }
  }
}

export async function runSync(deps: SyncDeps, sources: SyncSource[]): Promise<SourceReport[]> {
  const today = deps.today ?? new Date().toISOString().slice(0, 10);
  const reports: SourceReport[] = [];
  for (const source of sources) {
    const run = new SourceRun(deps, source);
    await markHarvestAttempt(deps.database.db, source.key);
    try {
      const harvestedUntil = await harvestSource(run, today);
      await markHarvestSuccess(deps.database.db, source.key, { harvestedUntil });
      reports.push({ key: source.key, ok: true, counts: run.counts, pages: run.pages });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await markHarvestFailure(deps.database.db, source.key, message);
      deps.log(`[${source.key}] failed: ${message} (will resume from its checkpoint next run)`);
      reports.push({ key: source.key, ok: false, counts: run.counts, pages: run.pages, error: message });
    }
  }
  return reports;
}
