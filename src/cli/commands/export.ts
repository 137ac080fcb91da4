import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { exportJsonLines } from '../../catalogue/export.js';
import { withContext, type CommonOptions } from '../command-context.js';

interface ExportOptions extends CommonOptions {
  format: string;
  output?: string;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Write the whole catalogue as JSON Lines (one paper per line) to stdout or --output')
    .option('--format <format>', 'output format (jsonl)', 'jsonl')
    .option('--output <file>', 'write to this file instead of stdout')
    .option('--db <url>', 'database (SQLite path or postgres:// URL); overrides DATABASE_URL')
    .action(async (opts: ExportOptions) => {
      if (opts.format !== 'jsonl') throw new Error(`unknown export format "${opts.format}"; supported: jsonl`);
      await withContext(opts, async (ctx) => {
        const out = opts.output ? createWriteStream(opts.output) : process.stdout;
        const count = await exportJsonLines(ctx.database.db, out);
        if (opts.output) {
          out.end();
          await finished(out);
        }
        process.stderr.write(`exported ${count} papers\n`);
      });
    });
}
