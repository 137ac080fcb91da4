/** Who is due for an edition: time zones, send hours, weekends, weekly Mondays, status, batching, suspension. */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDialectContext, DIALECTS, type TestDialect } from '../../test/dialects.js';
import { seedSubscriber, type SubscriberSeed } from '../../test/support/subscription-fixtures.js';
import type { TempContext } from '../../test/support/temp-context.js';
import { findSubscriberById } from '../subscribers/subscriber-store.js';
import { zonedInstant } from '../subscribers/time-zones.js';
import { SubscriberAudience } from './audience.js';
import type { EditionKey } from './delivery-types.js';

let ctx: TempContext;
/** The database of the running describe.each(DIALECTS) block (set in its beforeAll, which runs before this beforeEach). */
let dialect: TestDialect = DIALECTS[0]!;
beforeEach(async () => {
  ctx = await createDialectContext(dialect);
});
afterEach(() => ctx.dispose());

const MONDAY: EditionKey = { date: '2025-03-10', frequency: 'daily' };

async function seed(...seeds: SubscriberSeed[]): Promise<void> {
  for (const s of seeds) await seedSubscriber(ctx.database.db, s);
}

async function dueEmails(edition: EditionKey, now: string, batchSize = 500): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of new SubscriberAudience(ctx.database.db, batchSize).dueSubscribers(edition, new Date(now))) out.push(...batch.map((s) => s.email));
  return out.sort();
}

describe('zonedInstant', () => {
  it('finds the UTC moment of a local hour, across DST', () => {
    expect(zonedInstant('2025-03-10', 8, 'UTC').toISOString()).toBe('2025-03-10T08:00:00.000Z');
    expect(zonedInstant('2025-03-10', 8, 'Asia/Tokyo').toISOString()).toBe('2025-03-09T23:00:00.000Z');
    expect(zonedInstant('2025-03-08', 8, 'America/New_York').toISOString()).toBe('2025-03-08T13:00:00.000Z'); // EST
    expect(zonedInstant('2025-03-10', 8, 'America/New_York').toISOString()).toBe('2025-03-10T12:00:00.000Z'); // EDT
    expect(zonedInstant('2025-03-30', 2, 'Europe/Paris').toISOString()).toBe('2025-03-30T01:00:00.000Z'); // 02:00 does not exist: 03:00 CEST
  });
});

describe.each(DIALECTS)('dueSubscribers on $name', (each) => {
  beforeAll(() => {
    dialect = each;
  });

  it('includes a subscriber once their local send time on the edition date has come', async () => {
    await seed({ email: 'utc@x.org' }, { email: 'tokyo@x.org', timezone: 'Asia/Tokyo' }, { email: 'ny@x.org', timezone: 'America/New_York' }, { email: 'late@x.org', sendHour: 18 });
    expect(await dueEmails(MONDAY, '2025-03-09T22:59:00Z')).toEqual([]);
    expect(await dueEmails(MONDAY, '2025-03-09T23:00:00Z')).toEqual(['tokyo@x.org']);
    expect(await dueEmails(MONDAY, '2025-03-10T08:00:00Z')).toEqual(['tokyo@x.org', 'utc@x.org']);
    expect(await dueEmails(MONDAY, '2025-03-10T12:00:00Z')).toEqual(['ny@x.org', 'tokyo@x.org', 'utc@x.org']);
    // Once the date is over in a zone, everyone there whose period it was is due (catch-up).
    expect(await dueEmails(MONDAY, '2025-03-11T06:00:00Z')).toEqual(['late@x.org', 'ny@x.org', 'tokyo@x.org', 'utc@x.org']);
  });

  it('leaves out zones where the edition date has not begun', async () => {
    await seed({ email: 'honolulu@x.org', timezone: 'Pacific/Honolulu', sendHour: 0 });
    expect(await dueEmails(MONDAY, '2025-03-10T09:59:00Z')).toEqual([]);
    expect(await dueEmails(MONDAY, '2025-03-10T10:00:00Z')).toEqual(['honolulu@x.org']);
  });

  it('sends daily digests on weekends only to those who want them', async () => {
    await seed({ email: 'always@x.org' }, { email: 'weekdays@x.org', weekends: false });
    expect(await dueEmails({ date: '2025-03-08', frequency: 'daily' }, '2025-03-08T12:00:00Z')).toEqual(['always@x.org']);
    expect(await dueEmails({ date: '2025-03-10', frequency: 'daily' }, '2025-03-10T12:00:00Z')).toEqual(['always@x.org', 'weekdays@x.org']);
  });

  it('sends weekly digests on Mondays only, and keeps frequencies apart', async () => {
    await seed({ email: 'daily@x.org' }, { email: 'weekly@x.org', frequency: 'weekly' });
    expect(await dueEmails({ date: '2025-03-10', frequency: 'weekly' }, '2025-03-10T12:00:00Z')).toEqual(['weekly@x.org']);
    expect(await dueEmails({ date: '2025-03-11', frequency: 'weekly' }, '2025-03-11T12:00:00Z')).toEqual([]);
    expect(await dueEmails({ date: '2025-03-10', frequency: 'daily' }, '2025-03-10T12:00:00Z')).toEqual(['daily@x.org']);
  });

  it('only ever returns confirmed subscribers', async () => {
    await seed({ email: 'ok@x.org' }, { email: 'pending@x.org', status: 'pending' }, { email: 'gone@x.org', status: 'unsubscribed' }, { email: 'bouncy@x.org', status: 'suspended' });
    expect(await dueEmails(MONDAY, '2025-03-10T12:00:00Z')).toEqual(['ok@x.org']);
  });

  it('yields full batches across time zones, each subscriber once', async () => {
    const zones = ['UTC', 'Europe/Paris', 'Asia/Tokyo'];
    await seed(...Array.from({ length: 7 }, (_, i) => ({ email: `r${i}@x.org`, timezone: zones[i % 3]! })));
    const sizes: number[] = [];
    const seen: number[] = [];
    for await (const batch of new SubscriberAudience(ctx.database.db, 3).dueSubscribers(MONDAY, new Date('2025-03-10T12:00:00Z'))) {
      sizes.push(batch.length);
      seen.push(...batch.map((s) => s.id));
      expect(batch[0]).toEqual({ id: expect.any(Number), email: expect.any(String), timezone: expect.any(String), frequency: 'daily' });
    }
    expect(sizes).toEqual([3, 3, 1]);
    expect(new Set(seen).size).toBe(7);
  });
});

describe.each(DIALECTS)('suspend on $name', (each) => {
  beforeAll(() => {
    dialect = each;
  });

  it('suspends a confirmed subscriber with the reason, idempotently, and leaves an unsubscribe alone', async () => {
    await seed({ email: 'bouncy@x.org' }, { email: 'gone@x.org', status: 'unsubscribed' });
    const audience = new SubscriberAudience(ctx.database.db);
    await audience.suspend(1, '550 5.1.1 mailbox unknown (3 editions)');
    await audience.suspend(1, '550 again');
    await audience.suspend(2, '550');
    const bouncy = await findSubscriberById(ctx.database.db, 1);
    expect(bouncy).toMatchObject({ status: 'suspended', suspendedReason: '550 5.1.1 mailbox unknown (3 editions)' });
    expect((await findSubscriberById(ctx.database.db, 2))?.status).toBe('unsubscribed');
    expect(await dueEmails(MONDAY, '2025-03-10T12:00:00Z')).toEqual([]);
    await seed({ email: 'fine@x.org' });
    expect(await audience.stillConfirmed([1, 2, 3, 99])).toEqual(new Set([3]));
  });
});
