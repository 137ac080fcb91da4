import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDialectContext, DIALECTS } from '../../../test/dialects.js';
import type { TempContext } from '../../../test/support/temp-context.js';
import { addPapers } from '../../../test/support/trending-papers.js';
import { insertSignals } from '../../catalogue/paper-store.js';
import { trendingDb } from '../../trending/trending-tables.js';
import { recordView, visitorKey } from '../../trending/views.js';
import { castVote } from '../../trending/votes.js';
import { paperHistory } from './paper-history-store.js';

describe.each(DIALECTS)('paper history on $name', (dialect) => {
  let ctx: TempContext;
  let seq: number;
  let other: number;
  beforeEach(async () => {
    ctx = await createDialectContext(dialect);
    [seq, other] = (await addPapers(ctx.database.db, [{ id: '2611.00001' }, { id: '2611.00002' }])) as [number, number];
  });
  afterEach(async () => ctx.dispose());

  it('counts one paper\'s votes and views per UTC day from the first day asked', async () => {
    const db = ctx.database.db;
    await castVote(db, 1, seq, new Date('2026-11-27T23:00:00Z'));
    await castVote(db, 2, seq, new Date('2026-11-28T01:00:00Z'));
    await castVote(db, 3, seq, new Date('2026-11-28T22:00:00Z'));
    await castVote(db, 4, seq, new Date('2026-11-20T10:00:00Z')); // before the range
    await castVote(db, 1, other, new Date('2026-11-28T10:00:00Z')); // another paper
    for (const ip of ['203.0.113.1', '203.0.113.2']) await recordView(db, seq, visitorKey(ip, 'Firefox'), new Date('2026-11-29T08:00:00Z'), 'secret');
    await recordView(db, seq, visitorKey('203.0.113.1', 'Firefox'), new Date('2026-11-26T08:00:00Z'), 'secret');
    const history = await paperHistory(db, seq, '2026-11-26');
    expect(history.votes).toEqual([{ day: '2026-11-27', count: 1 }, { day: '2026-11-28', count: 2 }]);
    expect(history.views).toEqual([{ day: '2026-11-26', count: 1 }, { day: '2026-11-29', count: 2 }]);
    expect(history.stars).toEqual([]);
  });

  it('draws stars from our GitHub snapshots, or from Hugging Face signals without them', async () => {
    const db = ctx.database.db;
    await insertSignals(db, [{ seq, source: 'huggingface', observation: { metric: 'github_stars', value: 12 } }], '2026-11-27T00:00:00.000Z');
    expect((await paperHistory(db, seq, '2026-11-01')).stars).toEqual([{ at: '2026-11-27T00:00:00.000Z', stars: 12 }]);
    const tdb = trendingDb(db);
    await tdb.insertInto('paper_repos').values({ paper_seq: seq, repo: 'acme/model' }).execute();
    await tdb.insertInto('repo_star_snapshots').values([
      { repo: 'acme/model', stars: 40, observed_at: '2026-11-28T00:00:00.000Z' },
      { repo: 'acme/model', stars: 25, observed_at: '2026-11-26T00:00:00.000Z' },
    ]).execute();
    expect((await paperHistory(db, seq, '2026-11-01')).stars).toEqual([
      { at: '2026-11-26T00:00:00.000Z', stars: 25 },
      { at: '2026-11-28T00:00:00.000Z', stars: 40 },
    ]);
  });
});
