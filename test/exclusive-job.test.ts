/**
 * Scheduled jobs one instance runs for all (harvests, GitHub polls): two
 * "instances" — two connections to one database, two holders — tick the
 * same job; only the lease holder runs it, keeps it across ticks, and the
 * other takes over once the holder stops ticking.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/db/connection.js';
import { exclusiveJob, leaseName, tickInterval } from '../src/jobs/exclusive-job.js';
import { acquireLease } from '../src/jobs/leases.js';
import type { ScheduledJob } from '../src/jobs/scheduler.js';
import { createDialectContext, DIALECTS } from './dialects.js';
import type { TempContext } from './support/temp-context.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function countingJob(runs: string[], who: string): ScheduledJob {
  return { name: 'sync', schedule: '*/5 * * * *', run: async () => void runs.push(who) };
}

describe('tickInterval', () => {
  it('is the time between two ticks of a cron schedule', () => {
    expect(tickInterval('*/5 * * * *')).toBe(5 * 60_000);
    expect(tickInterval('0 * * * *')).toBe(3_600_000);
  });
});

describe.each(DIALECTS)('an exclusive job on $name', (dialect) => {
  async function twoInstances(): Promise<[DatabaseHandle, DatabaseHandle]> {
    const ctx: TempContext = await createDialectContext(dialect);
    cleanups.push(() => ctx.dispose());
    const other = await openDatabase(ctx.dbPath);
    cleanups.push(() => other.close());
    return [ctx.database, other];
  }

  it('runs on the instance holding the lease only, tick after tick', async () => {
    const [a, b] = await twoInstances();
    const runs: string[] = [];
    const onA = exclusiveJob(a.db, countingJob(runs, 'a'), { holder: 'a', leaseMs: 60_000 });
    const onB = exclusiveJob(b.db, countingJob(runs, 'b'), { holder: 'b', leaseMs: 60_000 });
    await onA.run();
    await onB.run();
    await onB.run();
    await onA.run();
    expect(runs).toEqual(['a', 'a']);
    // Nobody else may take the lease while a holds it.
    expect(await acquireLease(b.db, leaseName(onA), 'c', 60_000)).toBe(false);
  });

  it('is taken over once the holder stops ticking and its lease expires', async () => {
    const [a, b] = await twoInstances();
    const runs: string[] = [];
    const onA = exclusiveJob(a.db, countingJob(runs, 'a'), { holder: 'a', leaseMs: 300 });
    const onB = exclusiveJob(b.db, countingJob(runs, 'b'), { holder: 'b', leaseMs: 300 });
    await onA.run();
    await onB.run();
    await sleep(400);
    await onB.run();
    await onA.run();
    expect(runs).toEqual(['a', 'b']);
  });

  it('keeps its lease while a run lasts longer than the lease', async () => {
    const [a, b] = await twoInstances();
    const runs: string[] = [];
    let finish!: () => void;
    const slow: ScheduledJob = { name: 'sync', schedule: '*/5 * * * *', run: () => new Promise<void>((resolve) => (finish = resolve)).then(() => void runs.push('a')) };
    const onA = exclusiveJob(a.db, slow, { holder: 'a', leaseMs: 150 });
    const onB = exclusiveJob(b.db, countingJob(runs, 'b'), { holder: 'b', leaseMs: 150 });
    const running = onA.run();
    await sleep(500);
    await onB.run();
    finish();
    await running;
    expect(runs).toEqual(['a']);
  });

  it('a failing run leaves the job with its holder and reports the error', async () => {
    const [a, b] = await twoInstances();
    const runs: string[] = [];
    const failing: ScheduledJob = { name: 'sync', schedule: '*/5 * * * *', run: async () => Promise.reject(new Error('arXiv answered 503')) };
    await expect(exclusiveJob(a.db, failing, { holder: 'a', leaseMs: 60_000 }).run()).rejects.toThrow('503');
    await exclusiveJob(b.db, countingJob(runs, 'b'), { holder: 'b', leaseMs: 60_000 }).run();
    expect(runs).toEqual([]);
  });
});
