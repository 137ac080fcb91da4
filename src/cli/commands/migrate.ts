import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { openDatabase } from '../../db/connection.js';
import { migrate } from '../../db/migrator.js';
import type { CommonOptions } from '../command-context.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Create or upgrade the database schema (also done automatically on start)')
    .option('--db <url>', 'database (SQLite path or postgres:// URL); overrides DATABASE_URL')
    .action(async (opts: CommonOptions) => {
      const config = loadConfig(process.env, opts.db ? { DATABASE_URL: opts.db } : {});
      const database = await openDatabase(config.DATABASE_URL);
      try {
        const result = await migrate(database);
        const what = result.applied.length > 0 ? `applied ${result.applied.join(', ')}` : 'already up to date';
        process.stdout.write(`${database.location}: schema version ${result.to} (${what})\n`);
      } finally {
        await database.close();
      }
    });
}
