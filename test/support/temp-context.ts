/** A real SQLite file in a fresh temporary directory, migrated, for one test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { createContext, type AppContext } from '../../src/context.js';

export interface TempContext extends AppContext {
  dir: string;
  dbPath: string;
  dispose(): Promise<void>;
}

export async function createTempContext(env: Record<string, string> = {}): Promise<TempContext> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-test-'));
  const dbPath = join(dir, 'paperboy.db');
  const config = loadConfig({}, { DATABASE_URL: dbPath, DATA_DIR: dir, DEMO_CORPUS: 'false', ARXIV_REQUEST_INTERVAL_MS: '0', HTTP_RETRY_BASE_MS: '20', HTTP_MAX_RETRIES: '2', ...env });
  const ctx = await createContext(config);
  return {
    ...ctx,
    dir,
    dbPath,
    dispose: async () => {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const FIXTURE = (relative: string) => join(process.cwd(), 'test', 'fixtures', 'formats', relative);
