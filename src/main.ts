/**
 * `npm start`: wires configuration, database, HTTP app and scheduler, then
 * listens. Everything is created here and passed down.
 */
import { pathToFileURL } from 'node:url';
import { loadConfig, type Config } from './config/config.js';
import { createContext } from './context.js';
import { loadDemoCorpusOnce } from './ingest/demo-corpus.js';
import { formatCounts } from './ingest/ingest-batches.js';
import { runSync } from './ingest/sync/run-sync.js';
import { parseSyncSources } from './ingest/sync/sync-sources.js';
import { exclusiveJob } from './jobs/exclusive-job.js';
import { uniqueHolder } from './jobs/leases.js';
import { startScheduler, type ScheduledJob } from './jobs/scheduler.js';
import { countPapers } from './catalogue/paper-store.js';
import { openSearch } from './search/open-search.js';
import type { SearchService } from './search/search-service.js';
import { createDigestParts } from './digest/compose-parts.js';
import { startDeliveryThreads } from './digest/delivery-threads.js';
import { digestJob } from './digest/edition-job.js';
import { githubPollJob } from './trending/github/poll-github.js';
import { TrendingService } from './trending/trending-service.js';
import { buildApp } from './web/app.js';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

function say(message: string): void {
  process.stdout.write(`${message}\n`);
}

function syncJobs(config: Config, ctx: Parameters<typeof runSync>[0], search: SearchService, trending: TrendingService): ScheduledJob[] {
  const sources = parseSyncSources(config.SYNC_SOURCES);
  if (sources.length === 0) return [];
  return [
    {
      name: 'sync',
      schedule: config.SYNC_SCHEDULE,
      timezone: config.SYNC_TZ,
      run: async () => {
        const reports = await runSync(ctx, sources);
        for (const r of reports) ctx.log(`sync ${r.key}: ${r.ok ? formatCounts(r.counts) : `failed: ${r.error}`}`);
        await search.refresh();
        // New Hugging Face signals show at once rather than after the cache expires.
        await trending.invalidate();
      },
    },
  ];
}

/** Papers added by another process (a CLI ingest) become searchable within a minute. */
function searchRefreshJob(search: SearchService): ScheduledJob {
  return { name: 'search-refresh', schedule: '*/1 * * * *', run: () => search.refresh() };
}

/** An in-memory database cannot be shared with threads: the scheduler's tick then delivers alone. */
function threadCount(config: Config, location: string): number {
  return location === ':memory:' ? 0 : config.DIGEST_DELIVERY_THREADS;
}

export async function startPaperboy(config: Config): Promise<RunningServer> {
  const ctx = await createContext(config, say);
  try {
    if (config.DEMO_CORPUS) {
      const demo = await loadDemoCorpusOnce(ctx.database, ctx.http, say);
      if (demo) say(`loaded the demo corpus: ${formatCounts(demo)}`);
    }
    const termBitmaps = config.SEARCH_BITSETS_MB > 0 && { maxBytes: config.SEARCH_BITSETS_MB * 2 ** 20 };
    const search = await openSearch(ctx.database, { log: say, termBitmaps });
    // Keyword search works at once; the semantic model trains (or catches up) in the background.
    void search.refresh().then(
      () => say('search index up to date'),
      (error: unknown) => say(`search index refresh failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    const trending = new TrendingService(ctx.database.db);
    const app = await buildApp({ ...ctx, search, trending, logger: config.LOG_LEVEL === 'silent' ? false : { level: config.LOG_LEVEL } });
    const address = await app.listen({ port: config.PORT, host: config.HOST });
    const githubJob = githubPollJob({ ...ctx, log: say }, () => void trending.invalidate().catch((e: unknown) => say(`trending invalidation failed: ${String(e)}`)));
    const digestParts = await createDigestParts(ctx, { search, trending });
    // Harvests and GitHub polls run on one instance for all (exclusive-job.ts); every instance
    // refreshes its own search index; the digest job elects its scheduler itself.
    const holder = uniqueHolder();
    const once = (job: ScheduledJob) => exclusiveJob(ctx.database.db, job, { holder, log: say });
    const jobs = [
      ...syncJobs(config, { ...ctx, log: say }, search, trending).map(once),
      searchRefreshJob(search),
      digestJob({ ...ctx, ...digestParts, log: say }),
      ...(githubJob ? [once(githubJob)] : []),
    ];
    const scheduler = startScheduler(jobs, say);
    const delivery = startDeliveryThreads({ config, secretKey: ctx.secretKey, count: threadCount(config, ctx.database.location), log: say });
    const papers = await countPapers(ctx.database.db);
    say(`Paperboy serving ${papers} papers at ${config.publicUrl} (listening on ${address})`);
    say(`database: ${ctx.database.location}`);
    say(`mail: ${ctx.mail.description}${delivery.count > 0 ? ` (${delivery.count} delivery thread${delivery.count > 1 ? 's' : ''} beside the scheduler)` : ''}`);
    say(`scheduled jobs: ${scheduler.jobs.length > 0 ? scheduler.jobs.join(', ') : 'none (set SYNC_SOURCES to harvest new papers)'}`);
    return {
      url: address,
      stop: async () => {
        scheduler.stop();
        await delivery.stop();
        await app.close();
        await search.close();
        await ctx.close();
      },
    };
  } catch (error) {
    await ctx.close();
    throw error;
  }
}

async function main(): Promise<void> {
  let server: RunningServer;
  try {
    server = await startPaperboy(loadConfig());
  } catch (error) {
    process.stderr.write(`paperboy: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    say(`received ${signal}, shutting down`);
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
