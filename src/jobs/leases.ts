/**
 * Leases in the `scheduler_locks` table: "only one of us does this" across
 * processes sharing one database. A lease has a holder and an expiry; the
 * holder renews it while it works, and anyone may take it over once it has
 * expired (its holder died). Used for the single digest scheduler, for
 * scheduled jobs that one instance runs for all (exclusive-job.ts) and for
 * the liveness of delivery workers (a message in 'sending' whose worker's
 * lease is gone was abandoned mid-send). The table itself is created by the
 * digest migration (006), which needed it first.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { digestDb } from '../digest/delivery-schema.js';

/** A lease holder's name, unique per call: host, process and a random tag (one process may hold several roles). */
export function uniqueHolder(): string {
  return `${hostname()}:${process.pid}/${randomBytes(4).toString('hex')}`;
}

/** Takes the lease, or renews it when we already hold it; false when someone else holds an unexpired one. */
export async function acquireLease(db: Kysely<Database>, name: string, holder: string, ttlMs: number, now = new Date()): Promise<boolean> {
  const nowIso = now.toISOString();
  const row = await digestDb(db)
    .insertInto('scheduler_locks')
    .values({ name, holder, expires_at: new Date(now.getTime() + ttlMs).toISOString() })
    // One statement on both SQLite and PostgreSQL: insert, or take over only if ours or expired.
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder: (eb) => eb.ref('excluded.holder'), expires_at: (eb) => eb.ref('excluded.expires_at') })
        .where((eb) => eb.or([eb('scheduler_locks.holder', '=', holder), eb('scheduler_locks.expires_at', '<=', nowIso)])),
    )
    .returning('holder')
    .executeTakeFirst();
  return row?.holder === holder;
}

export async function releaseLease(db: Kysely<Database>, name: string, holder: string): Promise<void> {
  await digestDb(db).deleteFrom('scheduler_locks').where('name', '=', name).where('holder', '=', holder).execute();
}

export interface HeldLease {
  /** False once a renewal found the lease taken over (we were presumed dead). */
  readonly held: boolean;
  /** Stops renewing; releases the lease unless `keep` (a scheduler keeps leadership between ticks until it expires). */
  stop(keep?: boolean): Promise<void>;
}

/**
 * Renews a lease we hold every third of its lifetime until stopped. The timer is unref'd: a lease never keeps a process alive.
 */
export function keepLease(db: Kysely<Database>, name: string, holder: string, ttlMs: number, log?: (m: string) => void): HeldLease {
  let held = true;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = acquireLease(db, name, holder, ttlMs).then(
      (ok) => {
        if (!ok && held) log?.(`lease ${name} was taken over by another process`);
        held = ok;
      },
      (error: unknown) => log?.(`renewing lease ${name} failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }, Math.max(10, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    get held() {
      return held;
    },
    stop: async (keep = false) => {
      clearInterval(timer);
      await renewing;
      if (held && !keep) await releaseLease(db, name, holder);
    },
  };
}
