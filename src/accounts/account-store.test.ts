import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDialectContext, DIALECTS } from '../../test/dialects.js';
import type { TempContext } from '../../test/support/temp-context.js';
import { addPapers } from '../../test/support/trending-papers.js';
import {
  countSaved, findOrCreateUser, isTokenUsed, listSavedSeqs, markTokenUsed, purgeUsedTokens, savedAmong, savePaper, unsavePaper,
} from './account-store.js';
import { accountsDb } from './account-tables.js';
import { createSession, endSession, SESSION_TTL_SECONDS, userForSession } from './sessions.js';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe.each(DIALECTS)('account store on $name', (dialect) => {
  let ctx: TempContext;
  beforeEach(async () => {
    ctx = await createDialectContext(dialect);
  });
  afterEach(async () => ctx.dispose());

  it('creates a user once per address, with a numeric id', async () => {
    const db = ctx.database.db;
    const first = await findOrCreateUser(db, 'ada@example.org', NOW);
    const again = await findOrCreateUser(db, 'ada@example.org', later(60));
    const other = await findOrCreateUser(db, 'grace@example.org', NOW);
    expect(typeof first.id).toBe('number');
    expect(again).toEqual(first);
    expect(first).toMatchObject({ email: 'ada@example.org', createdAt: NOW.toISOString() });
    expect(other.id).not.toBe(first.id);
  });

  it('uses a token id once, even when two redemptions race', async () => {
    const db = ctx.database.db;
    const results = await Promise.all([markTokenUsed(db, 'jti-1', NOW), markTokenUsed(db, 'jti-1', NOW)]);
    expect(results.sort()).toEqual([false, true]);
    expect(await isTokenUsed(db, 'jti-1')).toBe(true);
    expect(await isTokenUsed(db, 'jti-2')).toBe(false);
    await purgeUsedTokens(db, later(1));
    expect(await isTokenUsed(db, 'jti-1')).toBe(false);
  });

  it('finds a session\'s user until it expires or ends, and stores only a hash of the token', async () => {
    const db = ctx.database.db;
    const user = await findOrCreateUser(db, 'ada@example.org', NOW);
    const session = await createSession(db, user.id, NOW);
    expect(await userForSession(db, session.token, later(60))).toEqual(user);
    expect(await userForSession(db, session.token, later(SESSION_TTL_SECONDS))).toBeUndefined();
    const stored = await accountsDb(db).selectFrom('sessions').select('id').execute();
    expect(stored.map((s) => s.id)).not.toContain(session.token);
    await endSession(db, session.token);
    expect(await userForSession(db, session.token, later(60))).toBeUndefined();
    // A sign-in sweeps sessions that have expired.
    await createSession(db, user.id, NOW);
    await createSession(db, user.id, later(SESSION_TTL_SECONDS + 1));
    expect(await accountsDb(db).selectFrom('sessions').select('id').execute()).toHaveLength(1);
  });

  it('saves papers once each and lists them newest first', async () => {
    const db = ctx.database.db;
    const user = await findOrCreateUser(db, 'ada@example.org', NOW);
    const [a, b, c] = (await addPapers(db, [{ id: '2611.00001' }, { id: '2611.00002' }, { id: '2611.00003' }])) as [number, number, number];
    await savePaper(db, user.id, a, NOW);
    await savePaper(db, user.id, b, later(10));
    await savePaper(db, user.id, c, later(10));
    await savePaper(db, user.id, a, later(20)); // already saved: kept with its first date
    expect(await countSaved(db, user.id)).toBe(3);
    expect(await listSavedSeqs(db, user.id, 10, 0)).toEqual([
      { seq: c, savedAt: later(10).toISOString() },
      { seq: b, savedAt: later(10).toISOString() },
      { seq: a, savedAt: NOW.toISOString() },
    ]);
    expect(await listSavedSeqs(db, user.id, 1, 2)).toEqual([{ seq: a, savedAt: NOW.toISOString() }]);
    await unsavePaper(db, user.id, b);
    expect(await savedAmong(db, user.id, [a, b, c, 999])).toEqual(new Set([a, c]));
    expect(await savedAmong(db, user.id + 1, [a])).toEqual(new Set());
  });

  it('deletes a user\'s sessions and saved papers with the user', async () => {
    const db = ctx.database.db;
    const user = await findOrCreateUser(db, 'ada@example.org', NOW);
    const [a] = (await addPapers(db, [{ id: '2611.00001' }])) as [number];
    await savePaper(db, user.id, a, NOW);
    const session = await createSession(db, user.id, NOW);
    await accountsDb(db).deleteFrom('users').where('id', '=', user.id).execute();
    expect(await countSaved(db, user.id)).toBe(0);
    expect(await userForSession(db, session.token, later(60))).toBeUndefined();
  });
});
