import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDialectContext, DIALECTS } from '../../test/dialects.js';
import type { TempContext } from '../../test/support/temp-context.js';
import {
  claimConfirmationSlot, confirmedAmong, confirmedInSlice, confirmedTimeZones, consumeToken, deleteUnconfirmedBefore, findSubscriberByEmail,
  findSubscriberById, insertPendingSubscriber, isTokenConsumed, listTopics, preferencesPatch, replaceTopics, suspendSubscriber, updateSubscriber,
  type Subscriber,
} from './subscriber-store.js';

const T0 = '2026-11-29T12:00:00.000Z';
const T1 = '2026-11-29T13:00:00.000Z';

describe.each(DIALECTS)('subscriber store on $name', (dialect) => {
  let ctx: TempContext;
  beforeEach(async () => {
    ctx = await createDialectContext(dialect);
  });
  afterEach(async () => ctx.dispose());

  async function subscriber(email: string, timezone = 'UTC'): Promise<Subscriber> {
    await insertPendingSubscriber(ctx.database.db, { email, frequency: 'daily', timezone, source: 'form' }, T0);
    return (await findSubscriberByEmail(ctx.database.db, email))!;
  }

  async function confirmed(email: string, timezone = 'UTC', patch: Parameters<typeof updateSubscriber>[2] = {}): Promise<Subscriber> {
    const s = await subscriber(email, timezone);
    await updateSubscriber(ctx.database.db, s.id, { status: 'confirmed', confirmed_at: T0, ...patch }, T0);
    return (await findSubscriberById(ctx.database.db, s.id))!;
  }

  it('inserts a pending subscriber once per address, with the defaults', async () => {
    const db = ctx.database.db;
    const input = { email: 'ada@example.org', frequency: 'weekly' as const, timezone: 'Europe/Paris', source: 'api' };
    expect(await insertPendingSubscriber(db, input, T0)).toBe(true);
    expect(await insertPendingSubscriber(db, input, T1)).toBe(false);
    const stored = await findSubscriberByEmail(db, 'ada@example.org');
    expect(stored).toEqual({
      id: expect.any(Number), email: 'ada@example.org', status: 'pending', frequency: 'weekly', sendHour: 8, timezone: 'Europe/Paris',
      weekends: true, papersPerMail: 10, source: 'api', createdAt: T0, confirmedAt: null, unsubscribedAt: null,
      lastConfirmationSentAt: null, suspendedReason: null,
    });
    expect(await findSubscriberById(db, stored!.id)).toEqual(stored);
    expect(await findSubscriberByEmail(db, 'nobody@example.org')).toBeUndefined();
  });

  it('stores preferences and topics, topics in the order given', async () => {
    const db = ctx.database.db;
    const s = await subscriber('ada@example.org');
    await updateSubscriber(db, s.id, preferencesPatch({ frequency: 'weekly', sendHour: 6, timezone: 'Asia/Tokyo', weekends: false, papersPerMail: 5 }), T1);
    expect(await findSubscriberById(db, s.id)).toMatchObject({ frequency: 'weekly', sendHour: 6, timezone: 'Asia/Tokyo', weekends: false, papersPerMail: 5 });
    const topics = [
      { kind: 'query' as const, value: 'graph neural networks' },
      { kind: 'category' as const, value: 'cs.LG' },
      { kind: 'author' as const, value: 'Ada Lovelace' },
    ];
    await replaceTopics(db, s.id, topics);
    expect(await listTopics(db, s.id)).toEqual(topics);
    await replaceTopics(db, s.id, [topics[1]!]);
    expect(await listTopics(db, s.id)).toEqual([topics[1]]);
    await replaceTopics(db, s.id, []);
    expect(await listTopics(db, s.id)).toEqual([]);
  });

  it('grants one confirmation mail per interval however many requests race', async () => {
    const db = ctx.database.db;
    const s = await subscriber('ada@example.org');
    const claims = await Promise.all(Array.from({ length: 5 }, () => claimConfirmationSlot(db, s.id, T0, '2026-11-29T08:00:00.000Z')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimConfirmationSlot(db, s.id, T1, '2026-11-29T09:00:00.000Z')).toBe(false);
    expect(await claimConfirmationSlot(db, s.id, T1, T0)).toBe(true);
  });

  it('consumes a single-use token once', async () => {
    const db = ctx.database.db;
    expect(await consumeToken(db, 'jti-1', T0)).toBe(true);
    expect(await consumeToken(db, 'jti-1', T1)).toBe(false);
    expect(await isTokenConsumed(db, 'jti-1')).toBe(true);
    expect(await isTokenConsumed(db, 'jti-2')).toBe(false);
  });

  it('pages through the confirmed subscribers of one slice by id', async () => {
    const db = ctx.database.db;
    const a = await confirmed('a@example.org', 'Europe/Paris', { send_hour: 7 });
    const b = await confirmed('b@example.org', 'Europe/Paris', { send_hour: 8, weekends: 0 });
    const c = await confirmed('c@example.org', 'Europe/Paris', { send_hour: 9 });
    await confirmed('d@example.org', 'Asia/Tokyo', { send_hour: 7 });
    await subscriber('e@example.org', 'America/New_York'); // pending: not an audience
    expect((await confirmedTimeZones(db)).sort()).toEqual(['Asia/Tokyo', 'Europe/Paris']);
    const slice = { timezone: 'Europe/Paris', sendHour: { op: '<=' as const, hour: 8 }, frequency: 'daily' as const, weekendsOnly: false };
    expect((await confirmedInSlice(db, slice, 0, 10)).map((s) => s.email)).toEqual(['a@example.org', 'b@example.org']);
    expect((await confirmedInSlice(db, slice, 0, 1)).map((s) => s.id)).toEqual([a.id]);
    expect((await confirmedInSlice(db, slice, a.id, 10)).map((s) => s.id)).toEqual([b.id]);
    expect((await confirmedInSlice(db, { ...slice, weekendsOnly: true }, 0, 10)).map((s) => s.id)).toEqual([a.id]);
    expect((await confirmedInSlice(db, { ...slice, sendHour: { op: '>', hour: 8 } }, 0, 10)).map((s) => s.id)).toEqual([c.id]);
    expect((await confirmedInSlice(db, { ...slice, frequency: 'weekly' }, 0, 10))).toEqual([]);
  });

  it('suspends only confirmed subscribers, and forgets unconfirmed addresses after a while', async () => {
    const db = ctx.database.db;
    const a = await confirmed('a@example.org');
    const b = await subscriber('b@example.org');
    await suspendSubscriber(db, a.id, 'x'.repeat(600), T1);
    await suspendSubscriber(db, b.id, 'bounced', T1);
    expect(await findSubscriberById(db, a.id)).toMatchObject({ status: 'suspended', suspendedReason: 'x'.repeat(500) });
    expect(await findSubscriberById(db, b.id)).toMatchObject({ status: 'pending', suspendedReason: null });
    const c = await confirmed('c@example.org');
    expect(await confirmedAmong(db, [a.id, b.id, c.id, 999])).toEqual(new Set([c.id]));
    await deleteUnconfirmedBefore(db, T0);
    expect(await findSubscriberById(db, b.id)).toBeDefined();
    await deleteUnconfirmedBefore(db, T1);
    expect(await findSubscriberById(db, b.id)).toBeUndefined();
    expect(await findSubscriberById(db, a.id)).toBeDefined();
  });
});
