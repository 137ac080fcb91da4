import type { Command } from 'commander';
import { FORMAT_NAMES, type FormatName } from '../../ingest/formats/document.js';
import { formatCounts } from '../../ingest/ingest-batches.js';
import { shouldShowProgress, terminalProgress } from '../../ingest/progress.js';
import { ingestSource } from '../../ingest/run-ingest.js';
import type { DatabaseHandle } from '../../db/connection.js';
import { openSearch } from '../../search/open-search.js';
import { withContext, type CommonOptions } from '../command-context.js';

/** New papers become searchable at once: spelling vocabulary and semantic vectors are updated. */
async function refreshSearch(database: DatabaseHandle): Promise<void> {
  const search = await openSearch(database);
  try {
    await search.refresh();
  } finally {
    await search.close();
  }
}

interface IngestOptions extends CommonOptions {
  format?: FormatName;
  batchSize: string;
  maxPages?: string;
  progress: boolean;
  index: boolean;
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('Add papers from a file, - (stdin) or an http(s) URL; the format is detected unless --format is given')
    .argument('<source>', 'file path, - for standard input, or URL')
    .option('--format <format>', `one of: ${FORMAT_NAMES.join(', ')}`)
    .option('--batch-size <n>', 'records per transaction for streamed formats', '2000')
    .option('--max-pages <n>', 'stop following result pages after this many')
    .option('--no-progress', 'never show a progress bar')
    .option('--no-index', 'do not bring the search index up to date afterwards (run `paperboy index rebuild` later)')
    .option('--db <url>', 'database (SQLite path or postgres:// URL); overrides DATABASE_URL')
    .action(async (source: string, opts: IngestOptions) => {
      await withContext(opts, async (ctx) => {
        const showBar = opts.progress && shouldShowProgress();
        const summary = await ingestSource(ctx.database, source, {
          format: opts.format,
          http: ctx.http,
          batchSize: Math.max(1, Number(opts.batchSize) || 2000),
          maxPages: opts.maxPages ? Number(opts.maxPages) : undefined,
          makeProgress: showBar ? (total) => terminalProgress(total) : undefined,
        });
        const rate = summary.seconds > 0 ? Math.round((summary.new + summary.updated + summary.unchanged) / summary.seconds) : 0;
        if (opts.index && summary.new + summary.updated > 0) await refreshSearch(ctx.database);
        process.stdout.write(
          `ingested ${summary.origin} (${summary.format}${summary.pages > 1 ? `, ${summary.pages} pages` : ''}): ${formatCounts(summary)} in ${summary.seconds.toFixed(1)} s (${rate} records/s)\n`,
        );
      });
    });
}
