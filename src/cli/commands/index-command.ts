import type { Command } from 'commander';
import { rebuildSearchIndex } from '../../search/open-search.js';
import { withContext, type CommonOptions } from '../command-context.js';

export function registerIndex(program: Command): void {
  const index = program.command('index').description('Search index maintenance');
  index
    .command('rebuild')
    .description('Rebuild the spelling vocabulary, the keyword index’s derived parts (SQLite: title index, merged full-text index) and retrain the semantic model on the whole catalogue (a running server picks it up)')
    .option('--db <url>', 'database (SQLite path or postgres:// URL); overrides DATABASE_URL')
    .action(async (opts: CommonOptions) => {
      await withContext(opts, async (ctx) => {
        const started = Date.now();
        const report = await rebuildSearchIndex(ctx.database, { log: (m) => process.stderr.write(`${m}\n`) });
        const s = report.semantic;
        process.stdout.write(
          `search index rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s: vocabulary ${report.words} words; ` +
            `semantic model ${s.modelId} (${s.dimensions} dimensions, trained on ${s.trainedOn} papers, ${s.papers} papers embedded)\n`,
        );
      });
    });
}
