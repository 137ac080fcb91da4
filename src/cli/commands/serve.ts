import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { startPaperboy } from '../../main.js';
import type { CommonOptions } from '../command-context.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the web server and the scheduler (what `npm start` does)')
    .option('--db <url>', 'database (SQLite path or postgres:// URL); overrides DATABASE_URL')
    .option('--port <port>', 'port to listen on; overrides PORT')
    .action(async (opts: CommonOptions & { port?: string }) => {
      const overrides: Record<string, string> = {};
      if (opts.db) overrides.DATABASE_URL = opts.db;
      if (opts.port) overrides.PORT = opts.port;
      const server = await startPaperboy(loadConfig(process.env, overrides));
      await new Promise<void>((resolve) => {
        const stop = () => void server.stop().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
