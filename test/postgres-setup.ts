// Asks once, before any test file starts, whether the test PostgreSQL server
// answers; test/dialects.ts then adds PostgreSQL to the dialects each test
// loops over. Without a server the PostgreSQL runs are skipped, said in one line.
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresReachable: boolean;
  }
}

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

export default async function setup(project: TestProject): Promise<void> {
  const url = process.env.PAPERBOY_TEST_POSTGRES_URL || DEFAULT_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    project.provide('postgresReachable', true);
  } catch (error) {
    process.stdout.write(
      `PostgreSQL tests skipped: no server at ${url.replace(/:[^:@/]*@/, '@')} (${(error as Error).message}); set PAPERBOY_TEST_POSTGRES_URL to run them\n`,
    );
    project.provide('postgresReachable', false);
  } finally {
    await client.end().catch(() => undefined);
  }
}
