import type { Command } from 'commander';
import { formatCounts } from '../../ingest/ingest-batches.js';
import { runSync } from '../../ingest/sync/run-sync.js';
import { parseSyncSources } from '../../ingest/sync/sync-sources.js';
import { withContext, type CommonOptions } from '../command-context.js';

interface SyncOptions extends CommonOptions {
  sources?: string;
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('Harvest new and updated papers from the sources in SYNC_SOURCES (or --sources), resuming where each stopped')
    .option('--sources <list>', 'comma-separated sources, e.g. "oai:cs,api:cat:cs.LG,hf-daily"; overrides SYNC_SOURCES')
    .option('--db <url>', 'database (SQLite path or postgres:// URL); overrides DATABASE_URL')
    .action(async (opts: SyncOptions) => {
      await withContext(opts, async (ctx) => {
        const sources = parseSyncSources(opts.sources ?? ctx.config.SYNC_SOURCES);
        if (sources.length === 0) {
          throw new Error('no sources to sync: set SYNC_SOURCES (e.g. "oai:cs,hf-daily") or pass --sources');
        }
        const reports = await runSync({ ...ctx, log: (m) => process.stderr.write(`${m}\n`) }, sources);
        for (const r of reports) {
          const status = r.ok ? 'ok' : `FAILED: ${r.error}`;
          process.stdout.write(`${r.key}: ${formatCounts(r.counts)} (${r.pages} pages) ${status}\n`);
        }
        const failed = reports.filter((r) => !r.ok).length;
        if (failed > 0) process.exitCode = 1;
      });
    });
}
