/**
 * "Only one of us at a time" across processes sharing one PostgreSQL
 * installation: a session advisory lock, held on a connection of its own.
 *
 * Why a connection outside the pool: the work done under the lock (migrating,
 * loading the demo corpus) uses the pool, and with DATABASE_POOL_SIZE=1 a lock
 * held on a pooled connection would wait for itself forever. Why a session
 * lock rather than a transaction one: migrations commit one by one and an
 * ingest commits per batch, so there is no single transaction to hang it on.
 * If this process dies, PostgreSQL ends the session and the lock with it.
 */
import pg from 'pg';

/** First key of every Paperboy advisory lock (the second names the lock and the schema). */
const PAPERBOY_LOCK_CLASS = 0x70627931; // "pby1"

export async function withAdvisoryLock<T>(url: string, name: string, run: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  // A session the server drops mid-run must not end the process; the lock is then gone, and `run` goes on.
  client.on('error', () => undefined);
  await client.connect();
  try {
    // Per schema: installations in different schemas of one database do not wait for each other.
    await client.query('SELECT pg_advisory_lock($1, hashtext($2 || current_schema()))', [PAPERBOY_LOCK_CLASS, `${name}:`]);
    try {
      return await run();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2 || current_schema()))', [PAPERBOY_LOCK_CLASS, `${name}:`]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
