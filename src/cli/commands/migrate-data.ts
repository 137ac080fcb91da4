import { existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { dialectOf, openDatabase } from '../../db/connection.js';
import { copyInstallation, CopyMismatchError, type CopyProgress, type CopyReport } from '../../db/copy-installation.js';
import { shouldShowProgress } from '../../ingest/progress.js';

interface MigrateDataOptions {
  from: string;
  to: string;
  replace: boolean;
  batchSize: string;
  progress: boolean;
}

/** A bar over all rows of all tables, naming the table being copied; nothing off a terminal. */
function progressBar(): { update(p: CopyProgress): void; stop(): void } {
  const bar = new cliProgress.SingleBar(
    { format: 'copy [{bar}] {percentage}% | {table} | {value}/{total} rows | ETA {eta_formatted}', stream: process.stderr, hideCursor: true, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      if (!started) bar.start(p.total, 0, { table: p.table });
      started = true;
      bar.update(p.copied, { table: p.table });
    },
    stop: () => bar.stop(),
  };
}

function formatReport(report: CopyReport): string {
  const width = Math.max(...report.tables.map((t) => t.table.length));
  const lines = report.tables.map((t) => `${t.table.padEnd(width)}  ${String(t.source).padStart(9)} -> ${String(t.target).padStart(9)}${t.source === t.target ? '' : '  MISMATCH'}`);
  const papers = report.tables.find((t) => t.table === 'papers')?.target ?? 0;
  lines.push(`${'search documents'.padEnd(width)}  ${String(papers).padStart(9)} -> ${String(report.searchDocuments).padStart(9)}${papers === report.searchDocuments ? '' : '  MISMATCH'}`);
  return `${lines.join('\n')}\n`;
}

export function registerMigrateData(program: Command): void {
  program
    .command('migrate-data')
    .description('Copy a whole installation from its SQLite file into a PostgreSQL database, ids kept, and check the row counts')
    .requiredOption('--from <file>', 'the SQLite database file to copy (left unchanged)')
    .requiredOption('--to <url>', 'the postgres:// database to copy into (migrated first; must hold no data unless --replace)')
    .option('--replace', 'empty the target first if it already holds data', false)
    .option('--batch-size <n>', 'rows per INSERT', '2000')
    .option('--no-progress', 'never show a progress bar')
    .action(async (opts: MigrateDataOptions) => {
      if (dialectOf(opts.from) !== 'sqlite') throw new Error(`--from must be a SQLite file, not ${opts.from.replace(/:[^:@/]*@/, '@')}`);
      if (dialectOf(opts.to) !== 'postgres') throw new Error(`--to must be a postgres:// URL, not ${opts.to}`);
      if (!existsSync(opts.from)) throw new Error(`no SQLite database at ${opts.from}`);
      const source = await openDatabase(opts.from);
      try {
        const target = await openDatabase(opts.to, { poolSize: 2 });
        const bar = opts.progress && shouldShowProgress() ? progressBar() : undefined;
        try {
          const report = await copyInstallation(source, target, {
            replace: opts.replace,
            batchSize: Math.max(1, Number(opts.batchSize) || 2000),
            onProgress: bar ? (p) => bar.update(p) : undefined,
          });
          bar?.stop();
          process.stdout.write(formatReport(report));
          const rows = report.tables.reduce((sum, t) => sum + t.target, 0);
          process.stdout.write(`copied ${source.location} to ${target.location}: ${rows} rows in ${report.tables.length} tables, counts verified, in ${report.seconds.toFixed(1)} s\n`);
        } catch (error) {
          bar?.stop();
          if (error instanceof CopyMismatchError) process.stdout.write(formatReport(error.report));
          throw error;
        } finally {
          await target.close();
        }
      } finally {
        await source.close();
      }
    });
}
