/** Shared set-up for CLI commands: configuration (with `--db`), database, HTTP client. */
import { loadConfig } from '../config/config.js';
import { createContext, type AppContext } from '../context.js';

export interface CommonOptions {
  db?: string;
}

export async function withContext<T>(opts: CommonOptions, run: (ctx: AppContext) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, opts.db ? { DATABASE_URL: opts.db } : {});
  const ctx = await createContext(config, (m) => process.stderr.write(`${m}\n`));
  try {
    return await run(ctx);
  } finally {
    await ctx.close();
  }
}
