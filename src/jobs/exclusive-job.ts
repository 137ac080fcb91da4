/**
 * A scheduled job that one instance runs for all when several Paperboy
 * processes share a database: harvesting arXiv twice, or polling GitHub
 * twice, would only double the load on those services (and on their rate
 * limits) for the same rows.
 *
 * The instance that first takes the job's lease keeps it between ticks (it
 * renews it at every tick, and while a run lasts), so the job does not hop
 * between instances whose clocks tick a moment apart; another instance stays
 * on standby and takes over once the lease expires, that is when its holder
 * has stopped ticking (it died or was shut down).
 */
import { Cron } from 'croner';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { acquireLease, keepLease, uniqueHolder } from './leases.js';
import type { ScheduledJob } from './scheduler.js';

/** A lease never shorter than this, so a short tick interval does not make leadership flap. */
const MIN_LEASE_MS = 5 * 60_000;

export interface ExclusiveJobOptions {
  /** Who this process is in the lease table; unique per process by default. */
  holder?: string;
  /** Lease lifetime; by default three tick intervals of the job's schedule, at least five minutes. */
  leaseMs?: number;
  log?: (message: string) => void;
}

/** Milliseconds between the schedule's next two ticks. */
export function tickInterval(schedule: string, timezone?: string): number {
  const runs = new Cron(schedule, { paused: true, timezone }).nextRuns(2);
  return runs.length === 2 ? runs[1]!.getTime() - runs[0]!.getTime() : MIN_LEASE_MS;
}

export function leaseName(job: Pick<ScheduledJob, 'name'>): string {
  return `job:${job.name}`;
}

/** The job, run only while this process holds its lease; a tick on standby does nothing. */
export function exclusiveJob(db: Kysely<Database>, job: ScheduledJob, options: ExclusiveJobOptions = {}): ScheduledJob {
  const holder = options.holder ?? uniqueHolder();
  const ttlMs = options.leaseMs ?? Math.max(MIN_LEASE_MS, 3 * tickInterval(job.schedule, job.timezone));
  const name = leaseName(job);
  return {
    ...job,
    run: async () => {
      if (!(await acquireLease(db, name, holder, ttlMs))) return;
      const lease = keepLease(db, name, holder, ttlMs, options.log);
      try {
        await job.run();
      } finally {
        // Kept, not released: the next tick finds it ours (see above).
        await lease.stop(true);
      }
    },
  };
}
