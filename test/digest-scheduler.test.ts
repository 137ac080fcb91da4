/**
 * The digest scheduler: time zones (the edition is the subscriber's local
 * date, sent once their local send hour has come) and one scheduler across
 * processes (the lease). Two delivery workers sharing an edition are tested
 * with real processes in digest-crash.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDialect } from './dialects.js';
import { openDatabase, type DatabaseHandle } from '../src/db/connection.js';
import type { EditionKey } from '../src/digest/delivery-types.js';
import { runDigestTick, SCHEDULER_LEASE, type DigestRuntime } from '../src/digest/edition-job.js';
import { acquireLease, releaseLease } from '../src/jobs/leases.js';
import { SmtpTransport } from '../src/mail/smtp-transport.js';
import { subscribers, type TestSubscriber } from './support/digest-fixtures.js';
import { digestHarness as digestHarnessOn, type DigestHarness } from './support/digest-harness.js';

/** The database each describe.each(DIALECTS) block runs on. */
let dialect: TestDialect = DIALECTS[0]!;
const digestHarness = (...[list, opts]: Parameters<typeof digestHarnessOn>) => digestHarnessOn(list, { ...opts, dialect });

let h: DigestHarness | undefined;
const extra: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const x of extra.splice(0)) await x.close();
  await h?.dispose();
  h = undefined;
});

const at = (iso: string) => () => new Date(iso);

/** A second process's view: its own connection to the same file and its own SMTP pool. */
async function secondRuntime(harness: DigestHarness, clock?: () => Date): Promise<DigestRuntime> {
  const database: DatabaseHandle = await openDatabase(harness.ctx.dbPath);
  const mail = new SmtpTransport({ url: harness.sink.url, poolSize: 2, ratePerSecond: 0, timeoutMs: 2000 });
  extra.push(mail, database);
  return { ...harness.runtime, database, mail, clock };
}

describe.each(DIALECTS)('the digest scheduler on $name', (each) => {
  beforeEach(() => {
    dialect = each;
  });

  const people: TestSubscriber[] = [
    { id: 1, email: 'kiritimati@example.test', timezone: 'Pacific/Kiritimati', frequency: 'daily', sendHour: 8 },
    { id: 2, email: 'berlin@example.test', timezone: 'Europe/Berlin', frequency: 'daily', sendHour: 8 },
    { id: 3, email: 'la@example.test', timezone: 'America/Los_Angeles', frequency: 'daily', sendHour: 8 },
    { id: 4, email: 'berlin-evening@example.test', timezone: 'Europe/Berlin', frequency: 'daily', sendHour: 20 },
    { id: 5, email: 'weekly@example.test', timezone: 'Europe/Berlin', frequency: 'weekly', sendHour: 7, weekday: 3 },
  ];

  it('sends each subscriber the edition of their local date once their local send hour has come', async () => {
    h = await digestHarness(people);
    const tick = async (iso: string) => {
      h!.runtime.clock = at(iso);
      await runDigestTick(h!.runtime, 'scheduler-1');
      return h!.sink.received.map((m) => m.to[0]);
    };
    // 08:30 UTC on Wednesday 15 January: 22:30 in Kiritimati, 09:30 in Berlin, 00:30 in Los Angeles.
    expect(await tick('2025-01-15T08:30:00Z')).toEqual(expect.arrayContaining(['kiritimati@example.test', 'berlin@example.test', 'weekly@example.test']));
    expect(h.sink.received).toHaveLength(3);
    // Los Angeles was due for 14 January (their 08:00 then had passed), but that is not their today: no stale digest.
    expect((await h.messages({ date: '2025-01-14', frequency: 'daily' })).length).toBe(0);

    await tick('2025-01-15T16:30:00Z'); // 08:30 in Los Angeles; 17:30 in Berlin
    expect(h.sink.received.map((m) => m.to[0]).slice(3)).toEqual(['la@example.test']);
    // Kiritimati's 16 January began at 10:00 UTC on the 15th; its 08:00 there is 18:00 UTC.
    await tick('2025-01-15T18:10:00Z');
    expect(h.sink.received.at(-1)!.parsed!.subject).toBe('Trending papers for 2025-01-16');
    expect(h.sink.received.at(-1)!.to).toEqual(['kiritimati@example.test']);
    await tick('2025-01-15T19:05:00Z'); // 20:05 in Berlin
    expect(h.sink.received.map((m) => m.to[0]).slice(5)).toEqual(['berlin-evening@example.test']);
    await tick('2025-01-15T19:10:00Z');
    expect(h.sink.received).toHaveLength(6);

    const edition: EditionKey = { date: '2025-01-15', frequency: 'daily' };
    expect((await h.messages(edition)).map((r) => r.email).sort()).toEqual(
      ['berlin-evening@example.test', 'berlin@example.test', 'kiritimati@example.test', 'la@example.test'].sort(),
    );
  });

  it('runs one scheduler when two processes tick: the other stands by until the lease expires', async () => {
    h = await digestHarness(subscribers(10));
    h.runtime.clock = at('2025-02-03T09:00:00Z');
    const other = await secondRuntime(h, at('2025-02-03T09:00:00Z'));
    const [a, b] = await Promise.all([runDigestTick(h.runtime, 'proc-a'), runDigestTick(other, 'proc-b')]);
    expect([a, b].filter((r) => r !== null)).toHaveLength(1);
    expect(h.sink.received).toHaveLength(10);

    const holder = a ? 'proc-a' : 'proc-b';
    const standby = a ? other : h.runtime;
    const standbyName = a ? 'proc-b' : 'proc-a';
    standby.clock = at('2025-02-03T09:05:00Z');
    expect(await runDigestTick(standby, standbyName)).toBeNull();
    // The holder died: 15 minutes without renewal and the standby takes over.
    standby.clock = at('2025-02-03T09:20:00Z');
    expect(await runDigestTick(standby, standbyName)).not.toBeNull();
    expect(await acquireLease(h.ctx.database.db, SCHEDULER_LEASE, holder, 60_000, new Date('2025-02-03T09:21:00Z'))).toBe(false);
    expect(h.sink.received).toHaveLength(10);
  });
});

describe.each(DIALECTS)('leases on $name', (each) => {
  beforeEach(() => {
    dialect = each;
  });

  it('are taken, renewed by their holder, refused to others until expiry, and released', async () => {
    h = await digestHarness([]);
    const db = h.ctx.database.db;
    const t0 = new Date('2025-01-01T00:00:00Z');
    const later = (ms: number) => new Date(t0.getTime() + ms);
    expect(await acquireLease(db, 'job', 'a', 1000, t0)).toBe(true);
    expect(await acquireLease(db, 'job', 'b', 1000, later(500))).toBe(false);
    expect(await acquireLease(db, 'job', 'a', 1000, later(900))).toBe(true); // renewed until 1900
    expect(await acquireLease(db, 'job', 'b', 1000, later(1500))).toBe(false);
    expect(await acquireLease(db, 'job', 'b', 1000, later(1900))).toBe(true);
    await releaseLease(db, 'job', 'a'); // not a's any more: no effect
    expect(await acquireLease(db, 'job', 'a', 1000, later(2000))).toBe(false);
    await releaseLease(db, 'job', 'b');
    expect(await acquireLease(db, 'job', 'a', 1000, later(2000))).toBe(true);
  });
});
