import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPortUrl, startFixtureServer, type FixtureServer } from '../../test/support/fixture-server.js';
import { FIXTURE, type TempContext } from '../../test/support/temp-context.js';
import { createDialectContext, DIALECTS } from '../../test/dialects.js';
import { countPapers, findPaperById, iteratePapers } from '../catalogue/paper-store.js';
import { ingestSource } from './run-ingest.js';

describe.each(DIALECTS)('ingest on $name', (dialect) => {
  let ctx: TempContext;
  let server: FixtureServer | undefined;
  const logs: string[] = [];
  beforeEach(async () => {
    ctx = await createDialectContext(dialect);
    logs.length = 0;
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await ctx.dispose();
  });

  const ingest = (source: string, format?: Parameters<typeof ingestSource>[2]['format']) =>
    ingestSource(ctx.database, source, { http: ctx.http, format, log: (m) => logs.push(m) });

  async function snapshot(): Promise<string> {
    const out: string[] = [];
    for await (const p of iteratePapers(ctx.database.db)) out.push(JSON.stringify(p));
    return out.join('\n');
  }

  /** A real API page with its OpenSearch figures rewritten, to exercise paging. */
  function apiPage(fixture: string, startIndex: number, total: number): string {
    return readFileSync(FIXTURE(`arxiv_api_atom/${fixture}`), 'utf8')
      .replace(/(<opensearch:startIndex[^>]*>)\d+/, `$1${startIndex}`)
      .replace(/(<opensearch:totalResults[^>]*>)\d+/, `$1${total}`);
  }

  describe('ingestSource', () => {
    it('detects every fixture format and stores its papers', async () => {
      const cases: Array<[string, string]> = [
        ['arxiv_api_atom/lukasschwab_id_list_1111.2011v2_2016.xml', 'arxiv-atom'],
        ['arxiv_oai_pmh/hepcrawl_listrecords_arXiv_physics-hep-ex_2017.xml', 'arxiv-oai'],
        ['arxiv_rss/msudars_rss2_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24.xml', 'arxiv-rss'],
        ['kaggle_arxiv_snapshot/wanng-ide_snapshot_lines1-5.jsonl', 'kaggle'],
        ['hf_daily_papers/deep-diver_daily_papers_2024-10-25_first2.json', 'hf-daily'],
      ];
      for (const [file, format] of cases) {
        const summary = await ingest(FIXTURE(file));
        expect(summary.format, file).toBe(format);
        expect(summary.new, file).toBeGreaterThan(0);
        expect(summary.rejected, file).toBe(0);
      }
    });

    it('follows arXiv API paging with start/max_results', async () => {
      server = await startFixtureServer([
        {
          path: '/api/query',
          respond: (req) =>
            req.query.start === '3'
              ? { body: apiPage('saeedrafsharx_search_all-nicotine_2026_first3.xml', 3, 6) }
              : { body: apiPage('lukasschwab_search_au-del_maestro_2016_first3.xml', 0, 6) },
        },
      ]);
      const summary = await ingest(`${server.url}/api/query?search_query=all:test&start=0&max_results=3`);
      expect(summary).toMatchObject({ pages: 2, new: 6, rejected: 0 });
      expect(server.requests.map((r) => r.query.start)).toEqual(['0', '3']);
      expect(server.requests[0]!.headers['user-agent']).toMatch(/^Paperboy\//);
    });

    it('follows OAI-PMH resumption tokens', async () => {
      server = await startFixtureServer([
        { path: '/oai', query: { resumptionToken: '6960524|1001' }, respond: { file: 'formats/arxiv_oai_pmh/hepcrawl_listrecords_arXiv_physics-hep-ex_2017.xml' } },
        { path: '/oai', respond: { file: 'formats/arxiv_oai_pmh/atomiklabs_listrecords_oai_dc_cs_2024_first2_with_token.xml' } },
      ]);
      const summary = await ingest(`${server.url}/oai?verb=ListRecords&metadataPrefix=oai_dc&set=cs&from=2024-01-25`);
      expect(summary).toMatchObject({ pages: 2, new: 5 });
      expect(server.requests[1]!.query).toEqual({ verb: 'ListRecords', resumptionToken: '6960524|1001' });
    });

    it('reports OAI-PMH noRecordsMatch without failing', async () => {
      server = await startFixtureServer({
        '/oai': {
          body: `<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-11-29T00:00:00Z</responseDate><request verb="ListRecords">http://export.arxiv.org/oai2</request><error code="noRecordsMatch">The combination of the values of the from, until, set and metadataPrefix arguments results in an empty list.</error></OAI-PMH>`,
        },
      });
      const summary = await ingest(`${server.url}/oai?verb=ListRecords&metadataPrefix=arXiv&from=2030-01-01`);
      expect(summary).toMatchObject({ new: 0, rejected: 0 });
      expect(logs.join('\n')).toMatch(/noRecordsMatch/);
    });

    it('fails on an arXiv API error feed (served with HTTP 400), storing nothing', async () => {
      server = await startFixtureServer({
        '/api/query': { status: 400, file: 'formats/arxiv_api_atom/lukasschwab_error_incorrect_id_format_abc_2026.xml' },
      });
      await expect(ingest(`${server.url}/api/query?id_list=abc`)).rejects.toThrow(/arXiv API error: incorrect id format for abc/);
      expect(await countPapers(ctx.database.db)).toBe(0);
    });

    it('leaves the database exactly as before on truncated XML, unknown formats and unreachable URLs', async () => {
      await ingest(FIXTURE('kaggle_arxiv_snapshot/wanng-ide_snapshot_lines1-5.jsonl'));
      const before = await snapshot();
      const xml = readFileSync(FIXTURE('arxiv_oai_pmh/hepcrawl_listrecords_arXiv_physics-hep-ex_2017.xml'), 'utf8');
      const truncated = join(ctx.dir, 'truncated.xml');
      writeFileSync(truncated, xml.slice(0, Math.floor(xml.length * 0.7)));
      await expect(ingest(truncated)).rejects.toThrow(/truncated\.xml/);
      const unknown = join(ctx.dir, 'image.png');
      writeFileSync(unknown, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
      await expect(ingest(unknown)).rejects.toThrow(/not a format Paperboy knows/);
      await expect(ingest(join(ctx.dir, 'missing.jsonl'))).rejects.toThrow(/no such file/);
      await expect(ingest(`${await closedPortUrl()}/api/query?id_list=1`)).rejects.toThrow(/connection refused/);
      expect(await snapshot()).toBe(before);
    });

    it('loads a line-format file in bulk: every paper searchable when it returns, a re-ingest changes nothing', async () => {
      const file = FIXTURE('kaggle_arxiv_snapshot/wanng-ide_snapshot_lines1-5.jsonl');
      const bulk = () => ingestSource(ctx.database, file, { http: ctx.http, bulkMinBytes: 0, log: (m) => logs.push(m) });
      const first = await bulk();
      expect(first).toMatchObject({ new: 5, rejected: 0 });
      const before = await snapshot();
      expect(await bulk()).toMatchObject({ new: 0, updated: 0, unchanged: 5 });
      expect(await snapshot()).toBe(before);
      if (dialect.name !== 'sqlite') return;
      expect(first.bulkLoad).toMatchObject({ builtAside: true, caughtUp: 0 });
      const sqlite = ctx.database.sqlite!;
      expect(sqlite.prepare('SELECT count(*) FROM papers_fts_docsize').pluck().get()).toBe(5);
      expect(sqlite.prepare('SELECT count(*) FROM papers_fts_pending').pluck().get()).toBe(0);
      sqlite.exec(`INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)`);
    });

    it('merges the same paper from several sources into one record', async () => {
      // 0704.0001 arrives from Kaggle; a second Kaggle line with the same id (as after a re-export) merges.
      await ingest(FIXTURE('kaggle_arxiv_snapshot/wanng-ide_snapshot_lines1-5.jsonl'));
      const again = await ingest(FIXTURE('kaggle_arxiv_snapshot/wanng-ide_snapshot_lines1-5.jsonl'));
      expect(again).toMatchObject({ new: 0, updated: 0, unchanged: 5 });
      await ingest(FIXTURE('hf_daily_papers/deep-diver_daily_papers_2024-10-25_first2.json'));
      await ingest(FIXTURE('hf_daily_papers/deep-diver_daily_papers_2024-10-25_first2.json'));
      expect(await countPapers(ctx.database.db)).toBe(7);
      expect((await findPaperById(ctx.database.db, '0704.0001'))!.paper.sources).toEqual(['kaggle']);
    });
  });
});
