import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../test/support/fixture-server.js';
import type { TempContext } from '../../../test/support/temp-context.js';
import { createDialectContext, DIALECTS } from '../../../test/dialects.js';
import { countPapers, findPaperById } from '../../catalogue/paper-store.js';
import { getHarvestState } from './harvest-state.js';
import { runSync } from './run-sync.js';
import { parseSyncSources } from './sync-sources.js';

describe.each(DIALECTS)('sync on $name', (dialect) => {
  let ctx: TempContext | undefined;
  let server: FixtureServer | undefined;
  afterEach(async () => {
    await server?.close();
    await ctx?.dispose();
    server = undefined;
    ctx = undefined;
  });

  const OAI_PAGE_1 = 'formats/arxiv_oai_pmh/atomiklabs_listrecords_oai_dc_cs_2024_first2_with_token.xml';
  const OAI_PAGE_2 = 'formats/arxiv_oai_pmh/hepcrawl_listrecords_arXiv_physics-hep-ex_2017.xml';

  async function setUp(routes: Parameters<typeof startFixtureServer>[0]) {
    server = await startFixtureServer(routes);
    ctx = await createDialectContext(dialect, {
      ARXIV_OAI_URL: `${server.url}/oai`,
      HF_API_URL: `${server.url}/api`,
      ARXIV_API_URL: `${server.url}/api/query`,
      SYNC_START_DATE: '2024-01-25',
    });
    const logs: string[] = [];
    return { ctx, logs, sync: (spec: string, today: string) => runSync({ ...ctx!, log: (m) => logs.push(m), today }, parseSyncSources(spec)) };
  }

  describe('runSync', () => {
    it('harvests OAI-PMH across resumption tokens and remembers where it stopped', async () => {
      const { ctx, sync } = await setUp([
        { path: '/oai', query: { resumptionToken: /.+/ }, respond: { file: OAI_PAGE_2 } },
        { path: '/oai', respond: { file: OAI_PAGE_1 } },
      ]);
      const [report] = await sync('oai:cs', '2024-01-27');
      expect(report).toMatchObject({ ok: true, pages: 2, counts: { new: 5, rejected: 0 } });
      expect(server!.requests[0]!.query).toMatchObject({ verb: 'ListRecords', metadataPrefix: 'arXiv', set: 'cs', from: '2024-01-25', until: '2024-01-27' });
      const state = await getHarvestState(ctx.database.db, 'oai:cs@arXiv');
      expect(state).toMatchObject({ harvested_until: '2024-01-27', checkpoint: null, consecutive_failures: 0 });
      // The next run starts from the last harvested day.
      await sync('oai:cs', '2024-01-29');
      expect(server!.requests[2]!.query).toMatchObject({ from: '2024-01-27', until: '2024-01-29' });
      expect(await countPapers(ctx.database.db)).toBe(5);
    });

    it('resumes a failed harvest from its checkpoint without gaps or duplicates', async () => {
      let failSecondPage = true;
      const { ctx, sync, logs } = await setUp([
        {
          path: '/oai',
          query: { resumptionToken: /.+/ },
          respond: () => (failSecondPage ? { status: 500, body: 'boom' } : { file: OAI_PAGE_2 }),
        },
        { path: '/oai', respond: { file: OAI_PAGE_1 } },
      ]);
      const [failed] = await sync('oai:cs', '2024-01-27');
      expect(failed).toMatchObject({ ok: false, pages: 1, counts: { new: 2 } });
      expect(failed!.error).toMatch(/HTTP 500/);
      const state = await getHarvestState(ctx.database.db, 'oai:cs@arXiv');
      expect(state!.consecutive_failures).toBe(1);
      expect(JSON.parse(state!.checkpoint!)).toMatchObject({ from: '2024-01-25', until: '2024-01-27', nextUrl: expect.stringContaining('resumptionToken=6960524%7C1001') });

      failSecondPage = false;
      const requestsBefore = server!.requests.length;
      const [resumed] = await sync('oai:cs', '2024-01-28');
      expect(resumed).toMatchObject({ ok: true, pages: 1, counts: { new: 3 } });
      // It went straight to the saved page instead of starting over.
      expect(server!.requests[requestsBefore]!.query.resumptionToken).toBe('6960524|1001');
      expect(logs.join('\n')).toMatch(/resuming 2024-01-25..2024-01-27/);
      expect(await countPapers(ctx.database.db)).toBe(5);
      expect(await getHarvestState(ctx.database.db, 'oai:cs@arXiv')).toMatchObject({ harvested_until: '2024-01-27', consecutive_failures: 0, last_error: null });
    });

    it('fetches Hugging Face daily papers day by day, and a failing source does not stop the others', async () => {
      const { ctx, sync } = await setUp({
        '/api/daily_papers': (req) =>
          req.query.date === '2024-02-10'
            ? { file: 'formats/hf_daily_papers/deep-diver_daily_papers_2024-10-25_first2.json' }
            : { body: '[]', headers: { 'content-type': 'application/json' } },
        '/oai': { status: 404, body: 'not here' },
      });
      const reports = await sync('oai:cs,hf-daily', '2024-10-26');
      expect(reports.map((r) => [r.key, r.ok])).toEqual([
        ['oai:cs@arXiv', false],
        ['hf-daily', true],
      ]);
      expect(reports[1]!.counts.new).toBe(2);
      const days = server!.requests.filter((r) => r.path === '/api/daily_papers').map((r) => r.query.date);
      expect(days[0]).toBe('2024-01-25');
      expect(days.at(-1)).toBe('2024-02-24'); // at most 31 days per run
      const state = await getHarvestState(ctx.database.db, 'hf-daily');
      expect(state!.harvested_until).toBe('2024-02-24');
      // Catching up continues where it stopped.
      await sync('hf-daily', '2024-10-26');
      const later = server!.requests.filter((r) => r.path === '/api/daily_papers').map((r) => r.query.date);
      expect(later[31]).toBe('2024-02-25');
    });

    it('keeps Hugging Face upvotes and GitHub stars as signals', async () => {
      const { ctx, sync } = await setUp({
        '/api/daily_papers': { file: 'formats/hf_daily_papers/buivannn_daily_papers_2026-07-31_first2.json' },
      });
      await ctx.database.db.insertInto('harvest_state').values({ source_key: 'hf-daily', harvested_until: '2026-07-30', consecutive_failures: 0 }).execute();
      await sync('hf-daily', '2026-07-31');
      const { seq, paper } = (await findPaperById(ctx.database.db, '2607.23193'))!;
      expect(paper.codeUrls).toEqual(['https://github.com/mac-automl/omniscope']);
      const signals = await ctx.database.db.selectFrom('paper_signals').select(['metric', 'value']).where('paper_seq', '=', seq).orderBy('metric').execute();
      expect(signals).toEqual([
        { metric: 'comments', value: 2 },
        { metric: 'github_stars', value: 3 },
        { metric: 'upvotes', value: 3 },
      ]);
    });

    it('rejects malformed source lists with a clear message', () => {
      expect(() => parseSyncSources('oai:')).toThrow(/oai needs a set/);
      expect(() => parseSyncSources('ftp:foo')).toThrow(/unknown source kind "ftp"/);
      expect(parseSyncSources(' oai:physics:hep-ex@arXivRaw , api:cat:cs.LG ')).toEqual([
        { key: 'oai:physics:hep-ex@arXivRaw', kind: 'oai', set: 'physics:hep-ex', metadataPrefix: 'arXivRaw' },
        { key: 'api:cat:cs.LG', kind: 'api', query: 'cat:cs.LG' },
      ]);
    });
  });
});
