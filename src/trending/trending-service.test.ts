import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDialectContext, DIALECTS } from '../../test/dialects.js';
import { FIXTURE, type TempContext } from '../../test/support/temp-context.js';
import { addPapers } from '../../test/support/trending-papers.js';
import { insertSignals } from '../catalogue/paper-store.js';
import { ingestSource } from '../ingest/run-ingest.js';
import { trendingDb } from './trending-tables.js';
import { TrendingService } from './trending-service.js';
import { castVote } from './votes.js';
import { recordView, visitorKey } from './views.js';

const H = 3_600_000;
const DAY = 24 * H;
const AS_OF = new Date('2026-11-29T12:00:00.000Z');
const ago = (ms: number) => new Date(AS_OF.getTime() - ms);
const iso = (ms: number) => ago(ms).toISOString();

describe.each(DIALECTS)('trending on $name', (dialect) => {
  let ctx: TempContext;
  let service: TrendingService;
  beforeEach(async () => {
    ctx = await createDialectContext(dialect);
    service = new TrendingService(ctx.database.db, { now: () => AS_OF });
  });
  afterEach(async () => ctx.dispose());

  async function views(seq: number, count: number, at: Date): Promise<void> {
    for (let i = 0; i < count; i++) await recordView(ctx.database.db, seq, visitorKey(`203.0.113.${i}`, 'Firefox'), at, 'secret');
  }

  async function starSnapshots(repo: string, seqs: number[], series: Array<[number, number]>): Promise<void> {
    const tdb = trendingDb(ctx.database.db);
    await tdb.insertInto('paper_repos').values(seqs.map((paper_seq) => ({ paper_seq, repo }))).execute();
    await tdb.insertInto('github_repo_state').values({ repo, checked_at: AS_OF.toISOString(), status: 'ok' }).execute();
    await tdb.insertInto('repo_star_snapshots').values(series.map(([msAgo, stars]) => ({ repo, stars, observed_at: iso(msAgo) }))).execute();
  }

  const hf = (seq: number, metric: 'upvotes' | 'github_stars', value: number, msAgo: number) =>
    insertSignals(ctx.database.db, [{ seq, source: 'huggingface', observation: { metric, value } }], iso(msAgo));

  describe('TrendingService.ranking', () => {
    it('scores votes and views by the formula and explains each entry', async () => {
      const db = ctx.database.db;
      const [a, b] = await addPapers(db, [
        { id: '2608.00001', publishedAt: iso(90 * DAY) },
        { id: '2611.00002', publishedAt: AS_OF.toISOString() },
        { id: '2611.00003' },
      ]);
      await castVote(db, 1, a!, AS_OF);
      await castVote(db, 2, a!, ago(6 * H));
      await castVote(db, 3, a!, ago(12 * H));
      await castVote(db, 1, b!, ago(6 * H));
      await views(b!, 20, AS_OF); // today's views are dated now: weight 1
      const page = await service.ranking({ window: 'day', limit: 10, offset: 0 });
      expect(page).toMatchObject({ window: 'day', total: 2, fallback: null });
      expect(page.entries.map((e) => [e.paper.id, e.seq])).toEqual([['2611.00002', b], ['2608.00001', a]]);
      const [first, second] = page.entries;
      // b: 0.5 (vote 6 h old) + 20 × 0.05 (views) = 1.5, published today.
      expect(first!.score).toBeCloseTo(1.5, 12);
      expect(first!.components).toEqual({ upvotes: 1, views: 20, githubStars: 0, hfUpvotes: 0 });
      expect(first!.explanation).toBe('+1 upvote and +20 views in 24 h');
      // a: (1 + 0.5 + 0.25) × 1/(1 + 90/180) = 7/6.
      expect(second!.score).toBeCloseTo(7 / 6, 12);
      expect(second!.explanation).toBe('+3 upvotes in 24 h');
      expect((await service.ranking({ window: 'day', limit: 1, offset: 1 })).entries.map((e) => e.seq)).toEqual([a]);
    });

    it('scores star growth between snapshots, not star counts, and ignores shared dependencies', async () => {
      const db = ctx.database.db;
      const [e, f, ...others] = await addPapers(db, [
        { id: '2606.00005', publishedAt: iso(180 * DAY) },
        { id: '2611.00006', publishedAt: AS_OF.toISOString() },
        ...['1', '2', '3', '4'].map((n) => ({ id: `2611.0001${n}` })),
      ]);
      // 1000 stars before the window (baseline), +100 six hours ago, +50 now: 100×0.5 + 50 = 100 decayed × 0.02 × 1/2 (180 days old).
      await starSnapshots('acme/e', [e!], [[30 * H, 1000], [6 * H, 1100], [0, 1150]]);
      await hf(e!, 'github_stars', 9000, 6 * H); // the poller's figures win for a polled repository
      // A huge old repository that grew but is linked from four papers: a dependency, not their code.
      await starSnapshots('pytorch/pytorch', others as number[], [[30 * H, 90_000], [H, 95_000]]);
      // Hugging Face stars for a paper without a polled repository: 10 → 60 six hours ago = 50 × 0.5 × 0.02.
      await hf(f!, 'github_stars', 10, 9 * DAY);
      await hf(f!, 'github_stars', 60, 6 * H);
      const page = await service.ranking({ window: 'day', limit: 10, offset: 0 });
      expect(page.entries.map((x) => [x.seq, x.components.githubStars])).toEqual([[e, 150], [f, 50]]);
      expect(page.entries[0]!.score).toBeCloseTo(1, 12);
      expect(page.entries[1]!.score).toBeCloseTo(0.5, 12);
      expect(page.entries[0]!.explanation).toBe('+150 GitHub stars in 24 h');
    });

    it('counts a fresh paper\'s first Hugging Face upvotes, but only as a baseline for an old one', async () => {
      const db = ctx.database.db;
      const [g, h] = await addPapers(db, [
        { id: '2611.00007', publishedAt: iso(2.5 * DAY) },
        { id: '2610.00008', publishedAt: iso(59 * DAY) },
      ]);
      await hf(g!, 'upvotes', 12, 6 * H);
      await hf(h!, 'upvotes', 40, 6 * H);
      const page = await service.ranking({ window: 'day', limit: 10, offset: 0 });
      expect(page.entries.map((x) => [x.seq, x.components.hfUpvotes])).toEqual([[g, 12]]);
      expect(page.entries[0]!.score).toBeCloseTo((12 * 0.5) / (1 + 2.5 / 180), 12);
      await hf(h!, 'upvotes', 52, 0); // later growth of the old paper counts
      const later = await new TrendingService(db, { now: () => AS_OF }).ranking({ window: 'day', limit: 10, offset: 0 });
      expect(later.entries.find((x) => x.seq === h)?.components.hfUpvotes).toBe(12);
    });

    it('dates a day\'s views at its noon, inside the window only', async () => {
      const db = ctx.database.db;
      const [p] = await addPapers(db, [{ id: '2611.00015', publishedAt: AS_OF.toISOString() }]);
      await views(p!, 3, new Date('2026-11-22T18:00:00Z')); // noon of the 22nd is the week's (exclusive) start
      await views(p!, 10, new Date('2026-11-23T01:00:00Z')); // noon 6 days ago: 2^(-144/36) = 1/16
      await views(p!, 4, new Date('2026-11-28T23:00:00Z')); // noon a day ago: 2^(-24/36)
      await views(p!, 2, new Date('2026-11-29T09:00:00Z')); // today: now
      const week = await service.ranking({ window: 'week', limit: 5, offset: 0 });
      expect(week.entries[0]!.components.views).toBe(16);
      expect(week.entries[0]!.score).toBeCloseTo(0.05 * (10 / 16 + 4 * 2 ** (-2 / 3) + 2), 12);
      expect(week.entries[0]!.explanation).toBe('+16 views in 7 days');
      await views(p!, 5, new Date('2025-01-01T12:00:00Z')); // over 400 days ago: counted, weightless
      const all = await service.ranking({ window: 'all', limit: 5, offset: 0 });
      expect(all.entries[0]!.components.views).toBe(24);
      const halfLife = 30 * DAY;
      const allDecayed = 3 * 2 ** (-7 * DAY / halfLife) + 10 * 2 ** (-6 * DAY / halfLife) + 4 * 2 ** (-DAY / halfLife) + 2;
      expect(all.entries[0]!.score).toBeCloseTo(0.05 * allDecayed, 12);
    });

    it('counts only activity inside the window', async () => {
      const db = ctx.database.db;
      const [a] = await addPapers(db, [{ id: '2611.00009', publishedAt: AS_OF.toISOString() }]);
      await castVote(db, 1, a!, ago(2 * DAY));
      expect((await service.ranking({ window: 'day', limit: 5, offset: 0 })).fallback).toBe('newest');
      const week = await service.ranking({ window: 'week', limit: 5, offset: 0 });
      expect(week.fallback).toBeNull();
      expect(week.entries[0]!.score).toBeCloseTo(2 ** (-48 / 36), 12);
      expect(week.entries[0]!.explanation).toBe('+1 upvote in 7 days');
    });

    it('falls back to newest first, with zero components and no numbers, when nothing happened', async () => {
      await addPapers(ctx.database.db, [
        { id: '2611.00010', publishedAt: '2026-11-10T00:00:00Z' },
        { id: 'pb-undated', publishedAt: null },
        { id: '2611.00011', publishedAt: '2026-11-25T00:00:00Z' },
        { id: '2611.00012', publishedAt: '2026-11-12T00:00:00Z' },
      ]);
      const page = await service.ranking({ window: 'week', limit: 10, offset: 0 });
      expect(page).toMatchObject({ window: 'week', fallback: 'newest', total: 4 });
      expect(page.entries.map((e) => e.paper.id)).toEqual(['2611.00011', '2611.00012', '2611.00010', 'pb-undated']);
      for (const e of page.entries) {
        expect(e.score).toBe(0);
        expect(e.components).toEqual({ upvotes: 0, views: 0, githubStars: 0, hfUpvotes: 0 });
        expect(e.explanation).toBe('');
      }
      const tail = await service.ranking({ window: 'week', limit: 2, offset: 2 });
      expect(tail.entries.map((e) => e.paper.id)).toEqual(['2611.00010', 'pb-undated']);
      expect((await service.ranking({ window: 'week', limit: 2, offset: 4 })).entries).toEqual([]);
    });

    it('caches a window\'s ranking, and a vote through the service shows at once', async () => {
      const db = ctx.database.db;
      const [a, b] = await addPapers(db, [{ id: '2611.00013' }, { id: '2611.00014' }]);
      await castVote(db, 1, a!, AS_OF);
      const ids = async () => (await service.ranking({ window: 'day', limit: 5, offset: 0 })).entries.map((e) => e.seq);
      expect(await ids()).toEqual([a]);
      await castVote(db, 2, b!, AS_OF); // written behind the service's back: served from cache until the TTL
      await castVote(db, 3, b!, AS_OF);
      expect(await ids()).toEqual([a]);
      // A past moment is never served from the cache.
      expect((await service.ranking({ window: 'day', limit: 5, offset: 0, asOf: AS_OF })).entries.map((e) => e.seq)).toEqual([b, a]);
      expect(await service.castVote(4, a!)).toBe(true);
      expect(await ids()).toEqual([a, b]); // two votes each, all now, same age: the earlier paper in the catalogue first
      expect(await service.removeVote(4, a!)).toBe(true);
      expect(await ids()).toEqual([b, a]);
      const uncached = new TrendingService(db, { now: () => AS_OF, ttlMs: 0 });
      await castVote(db, 5, a!, AS_OF);
      await castVote(db, 6, a!, AS_OF);
      expect((await uncached.ranking({ window: 'day', limit: 5, offset: 0 })).entries.map((e) => e.seq)).toEqual([a, b]);
    });
  });

  describe('serving an expired ranking while it is recomputed', () => {
    afterEach(() => vi.useRealTimers());

    it('answers from the expired ranking at once, then from the recomputed one; long-expired rankings are recomputed first', async () => {
      vi.useFakeTimers({ toFake: ['Date'] }); // only the cache's clock: the database and promises run for real
      vi.setSystemTime(new Date('2026-11-29T12:00:00.000Z'));
      const db = ctx.database.db;
      const cachedFor = new TrendingService(db, { now: () => AS_OF, ttlMs: 60_000 });
      const [a, b] = await addPapers(db, [{ id: '2611.00015' }, { id: '2611.00016' }]);
      await castVote(db, 1, a!, AS_OF);
      const ids = async () => (await cachedFor.ranking({ window: 'day', limit: 5, offset: 0 })).entries.map((e) => e.seq);
      expect(await ids()).toEqual([a]);
      await castVote(db, 2, b!, AS_OF);
      await castVote(db, 3, b!, AS_OF);
      vi.setSystemTime(new Date('2026-11-29T12:01:30.000Z')); // expired 30 s ago: within the stale allowance
      expect(await ids()).toEqual([a]); // no reader waits: the old ranking answers while the new one is computed
      await vi.waitFor(async () => expect(await ids()).toEqual([b, a]));
      await castVote(db, 4, a!, AS_OF);
      await castVote(db, 5, a!, AS_OF);
      vi.setSystemTime(new Date('2026-11-29T12:20:00.000Z')); // long expired: recomputed before answering
      expect(await ids()).toEqual([a, b]);
    });
  });

  describe('ranking with Hugging Face signals from real daily-papers responses', () => {
    const ingest = (file: string) => ingestSource(ctx.database, file, { http: ctx.http, log: () => {} });
    const copyWith = (fixture: string, edit: (text: string) => string) => {
      const file = join(ctx.dir, fixture.replace(/\//g, '_'));
      writeFileSync(file, edit(readFileSync(FIXTURE(fixture), 'utf8')));
      return file;
    };

    it('scores upvotes gained between two harvests of an old day', async () => {
      const live = new TrendingService(ctx.database.db, { ttlMs: 0 });
      await ingest(FIXTURE('hf_daily_papers/deep-diver_daily_papers_2024-10-25_first2.json'));
      // Papers of 2024 seen for the first time: their upvotes are a baseline, not today's activity.
      expect((await live.ranking({ window: 'day', limit: 5, offset: 0 })).fallback).toBe('newest');
      await ingest(copyWith('hf_daily_papers/deep-diver_daily_papers_2024-10-25_first2.json', (t) => t.replace('"upvotes":64', '"upvotes":100')));
      const page = await live.ranking({ window: 'day', limit: 5, offset: 0 });
      expect(page.fallback).toBeNull();
      expect(page.entries.map((e) => [e.paper.id, e.components])).toEqual([
        ['2410.17243', { upvotes: 0, views: 0, githubStars: 0, hfUpvotes: 36 }],
      ]);
      const ageDays = (Date.now() - Date.parse('2024-10-22T17:59:30.000Z')) / DAY;
      expect(page.entries[0]!.score).toBeCloseTo(36 / (1 + ageDays / 180), 3);
      expect(page.entries[0]!.explanation).toBe('+36 Hugging Face upvotes in 24 h');
    });

    it('counts a fresh day\'s upvotes from the first harvest, and its GitHub stars from the second', async () => {
      const live = new TrendingService(ctx.database.db, { ttlMs: 0 });
      const recent = new Date(Date.now() - 2 * DAY).toISOString();
      const fixture = 'hf_daily_papers/buivannn_daily_papers_2026-07-31_first2.json';
      const fresh = (t: string) => t.replace(/"publishedAt": "2026-07-(28|30)T00:00:00.000Z"/g, `"publishedAt": "${recent}"`);
      await ingest(copyWith(fixture, fresh));
      const first = await live.ranking({ window: 'day', limit: 5, offset: 0 });
      expect(first.entries.map((e) => [e.paper.id, e.components.hfUpvotes, e.components.githubStars])).toEqual([
        ['2607.27958', 11, 0],
        ['2607.23193', 3, 0],
      ]);
      expect(first.entries[0]!.explanation).toBe('+11 Hugging Face upvotes in 24 h');
      await ingest(copyWith(fixture, (t) => fresh(t).replace('"githubStars": 3', '"githubStars": 53')));
      const second = await live.ranking({ window: 'day', limit: 5, offset: 0 });
      expect(second.entries.find((e) => e.paper.id === '2607.23193')!.explanation).toBe('+3 Hugging Face upvotes and +50 GitHub stars in 24 h');
    });
  });
});
