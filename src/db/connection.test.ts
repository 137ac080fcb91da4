import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/dialects.js';
import { dialectOf, openDatabase } from './connection.js';
import { redactPostgresUrl } from './postgres-connection.js';

describe('DATABASE_URL', () => {
  it('names its dialect', () => {
    expect(dialectOf('./data/paperboy.db')).toBe('sqlite');
    expect(dialectOf('postgres://u@h/db')).toBe('postgres');
    expect(dialectOf('postgresql://u@h/db')).toBe('postgres');
  });

  it('is logged without its password', () => {
    expect(redactPostgresUrl('postgres://paperboy:s3cret@db.internal:5432/paperboy?sslmode=require')).toBe('postgres://paperboy@db.internal:5432/paperboy?sslmode=require');
    expect(redactPostgresUrl('postgres://paperboy@db.internal/paperboy')).toBe('postgres://paperboy@db.internal/paperboy');
  });

  it('fails at open, with the reason and without the password, when PostgreSQL does not answer', async () => {
    const opening = openDatabase('postgres://paperboy:s3cret@127.0.0.1:1/paperboy');
    await expect(opening).rejects.toThrow(/^cannot connect to PostgreSQL at postgres:\/\/paperboy@127\.0\.0\.1:1\/paperboy: /);
    await expect(opening).rejects.not.toThrow(/s3cret/);
  });
});

describe.each(DIALECTS)('values read back on $name', (dialect) => {
  it('are numbers for counts, sums, averages and ids, as the query modules expect', async () => {
    const database = await dialect.createDatabase();
    const handle = await openDatabase(database.url);
    try {
      await handle.db.schema.createTable('numbers').addColumn('n', 'bigint').execute();
      await handle.db.insertInto('numbers' as never).values([{ n: 2 }, { n: 5 }] as never).execute();
      const row = await sql<{ count: unknown; total: unknown; mean: unknown; big: unknown }>`
        SELECT count(*) AS count, sum(n) AS total, avg(n) AS mean, max(n) AS big FROM numbers`.execute(handle.db);
      expect(row.rows[0]).toEqual({ count: 2, total: 7, mean: 3.5, big: 5 });
    } finally {
      await handle.close();
      await database.dispose();
    }
  });
});
