import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDialectContext, DIALECTS } from '../../test/dialects.js';
import type { TempContext } from '../../test/support/temp-context.js';
import { addPapers } from '../../test/support/trending-papers.js';
import { castVote, hasVoted, removeVote, removeVotesOfUser, voteCount, voteCounts } from './votes.js';

describe.each(DIALECTS)('votes on $name', (dialect) => {
  let ctx: TempContext;
  let a: number;
  let b: number;
  beforeEach(async () => {
    ctx = await createDialectContext(dialect);
    [a, b] = (await addPapers(ctx.database.db, [{ id: '2611.00001' }, { id: '2611.00002' }])) as [number, number];
  });
  afterEach(async () => ctx.dispose());

  it('counts one vote per user per paper', async () => {
    const db = ctx.database.db;
    expect(await castVote(db, 1, a)).toBe(true);
    expect(await castVote(db, 1, a)).toBe(false);
    expect(await castVote(db, 2, a)).toBe(true);
    expect(await castVote(db, 2, b)).toBe(true);
    expect(await voteCount(db, a)).toBe(2);
    expect(await voteCount(db, b)).toBe(1);
    expect(await voteCounts(db, [a, b, 999])).toEqual(new Map([[a, 2], [b, 1]]));
  });

  it('tells which papers a user has voted for', async () => {
    const db = ctx.database.db;
    await castVote(db, 7, b);
    expect(await hasVoted(db, 7, [a, b])).toEqual(new Set([b]));
    expect(await hasVoted(db, 8, [a, b])).toEqual(new Set());
    expect(await hasVoted(db, 7, [])).toEqual(new Set());
  });

  it('removes a vote once, and all of a user\'s votes with the account', async () => {
    const db = ctx.database.db;
    await castVote(db, 1, a);
    await castVote(db, 1, b);
    await castVote(db, 2, a);
    expect(await removeVote(db, 1, a)).toBe(true);
    expect(await removeVote(db, 1, a)).toBe(false);
    expect(await voteCount(db, a)).toBe(1);
    expect(await castVote(db, 1, a)).toBe(true); // may vote again after withdrawing
    expect(await removeVotesOfUser(db, 1)).toBe(2);
    expect(await voteCount(db, a)).toBe(1);
    expect(await voteCount(db, b)).toBe(0);
  });

  it('refuses a vote for a paper that does not exist', async () => {
    await expect(castVote(ctx.database.db, 1, 424242)).rejects.toThrow(/foreign key/i);
  });
});
