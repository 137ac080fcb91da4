/**
 * The digest's scheduled job. Every tick (DIGEST_SCHEDULE, every 5 minutes by
 * default) it composes, for each date that is "today" somewhere on earth,
 * the messages of subscribers whose local send hour has come on their local
 * date, then delivers every edition that has messages pending (new ones and
 * retries). Time-zone awareness comes from asking the audience about that
 * moment and keeping only subscribers whose local date is the edition's.
 *
 * ONE scheduler even when two Paperboy processes share a database: a tick
 * runs only while holding the `digest-scheduler` lease, renewed during the run
 * and kept between ticks; another process stays on standby and takes over
 * once the lease expires (its holder died). Delivery itself would be safe
 * with two workers (claims), but one scheduler avoids needless contention.
 */
import type { Config } from '../config/config.js';
import type { DatabaseHandle } from '../db/connection.js';
import type { ScheduledJob } from '../jobs/scheduler.js';
import type { MailTransport } from '../mail/mail-transport.js';
import { deliverySettings, type DeliverySettings } from './delivery-settings.js';
import type { DigestFrequency, DigestParts } from './delivery-types.js';
import { composeEdition, type ComposeReport } from './edition-compose.js';
import { deliverEdition, type DeliveryReport } from './edition-deliver.js';
import { datesTodaySomewhere } from './edition-key.js';
import { editionsWithPending } from './edition-store.js';
import { acquireLease, keepLease, uniqueHolder } from '../jobs/leases.js';

export const SCHEDULER_LEASE = 'digest-scheduler';
/** Longer than the default tick interval, so the holder keeps leadership between ticks. */
const SCHEDULER_LEASE_MS = 15 * 60_000;
const FREQUENCIES: DigestFrequency[] = ['daily', 'weekly'];

/** What composing and delivering need, assembled once per context. */
export interface DigestRuntime extends DigestParts {
  database: DatabaseHandle;
  mail: MailTransport;
  settings: DeliverySettings;
  log: (message: string) => void;
  clock?: () => Date;
}

export interface DigestJobContext extends DigestParts {
  config: Config;
  database: DatabaseHandle;
  mail: MailTransport;
  secretKey: string;
  log: (message: string) => void;
  clock?: () => Date;
}

export function digestRuntime(ctx: DigestJobContext): DigestRuntime {
  const { database, mail, audience, composer, log, clock } = ctx;
  return { database, mail, audience, composer, log, clock, settings: deliverySettings(ctx.config, ctx.secretKey) };
}

/** The job for the server's scheduler: `startScheduler([..., digestJob({ ...ctx, ...parts, log })])`. */
export function digestJob(ctx: DigestJobContext): ScheduledJob {
  const runtime = digestRuntime(ctx);
  const holder = uniqueHolder();
  return {
    name: 'digest',
    schedule: ctx.config.DIGEST_SCHEDULE,
    run: async () => {
      await runDigestTick(runtime, holder);
    },
  };
}

export interface TickReport {
  composed: ComposeReport[];
  delivered: DeliveryReport[];
}

/** One tick; null when another process holds the scheduler lease (this one is on standby). */
export async function runDigestTick(rt: DigestRuntime, holder: string): Promise<TickReport | null> {
  const db = rt.database.db;
  const now = rt.clock?.() ?? new Date();
  if (!(await acquireLease(db, SCHEDULER_LEASE, holder, SCHEDULER_LEASE_MS, now))) return null;
  const lease = keepLease(db, SCHEDULER_LEASE, holder, SCHEDULER_LEASE_MS, rt.log);
  try {
    return await runDueEditions(rt, now, holder);
  } finally {
    await lease.stop(true);
  }
}

/**
 * What a tick does, without the lease (`paperboy digest send` without
 * --edition runs it by hand; composing and delivering are safe to run
 * alongside a scheduler — the unique key and the claims see to that).
 */
export async function runDueEditions(rt: DigestRuntime, now: Date, workerId: string, opts: { dryRun?: boolean; waitForRetries?: boolean } = {}): Promise<TickReport> {
  const composed: ComposeReport[] = [];
  for (const frequency of FREQUENCIES) {
    for (const date of datesTodaySomewhere(now)) {
      composed.push(await composeEdition(rt, { date, frequency }, { now, onlyWhereToday: true, dryRun: opts.dryRun }));
    }
  }
  const delivered: DeliveryReport[] = [];
  if (opts.dryRun) return { composed, delivered };
  for (const edition of await editionsWithPending(rt.database.db)) {
    delivered.push(await deliverEdition(rt, { date: edition.date, frequency: edition.frequency }, { workerId, waitForRetries: opts.waitForRetries }));
  }
  return { composed, delivered };
}
