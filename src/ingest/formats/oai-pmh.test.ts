import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PaperRecord, ParsedItem } from '../../catalogue/paper.js';
import { MalformedDocumentError } from './document.js';
import { parseOaiPmh } from './oai-pmh.js';

const DIR = new URL('../../../test/fixtures/formats/arxiv_oai_pmh/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, DIR), 'utf8');

function records(items: ParsedItem[]): PaperRecord[] {
  return items.map((item) => {
    if (item.kind !== 'record') throw new Error(`expected a record, got rejection at ${item.where}: ${item.reason}`);
    return item.record;
  });
}

const OAI_OPEN = `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">
<responseDate>2026-03-02T10:00:00Z</responseDate>`;

const listRecords = (records: string, extra = '') =>
  `${OAI_OPEN}
<request verb="ListRecords" metadataPrefix="arXiv">http://export.arxiv.org/oai2</request>
<ListRecords>${records}${extra}</ListRecords>
</OAI-PMH>`;

const arxivRecord = (id: string, inner: string) => `<record><header><identifier>oai:arXiv.org:${id}</identifier>
<datestamp>2026-03-01</datestamp></header><metadata>
<arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>${id}</id>${inner}</arXiv></metadata></record>`;

describe('parseOaiPmh: metadataPrefix=arXiv', () => {
  it('reads the ListRecords page (physics:hep-ex, 2017) field by field', () => {
    const origin = 'hepcrawl_listrecords_arXiv_physics-hep-ex_2017.xml';
    const page = parseOaiPmh(fixture(origin), origin);
    expect(page.responseDate).toBe('2017-12-14T13:00:41Z');
    expect(page.resumptionToken).toBeUndefined();
    expect(page.completeListSize).toBeUndefined();
    expect(page.error).toBeUndefined();
    expect(page.items.map((i) => i.where)).toEqual([
      `${origin} record 1 (id oai:arXiv.org:1706.05371)`,
      `${origin} record 2 (id oai:arXiv.org:1706.09418)`,
      `${origin} record 3 (id oai:arXiv.org:1707.00874)`,
    ]);
    const [first, second, third] = records(page.items);
    expect(first).toMatchObject({
      source: 'arxiv-oai',
      arxivId: '1706.05371',
      title: 'Evaluation of Silicon Photomultipliers for use as Photosensors in Liquid Xenon Detectors',
      categories: ['physics.ins-det', 'hep-ex'],
      publishedAt: '2017-06-16T00:00:00.000Z',
      updatedAt: '2017-12-12T00:00:00.000Z',
      comments: '10 pages, 9 figures',
    });
    expect(first!.authors).toHaveLength(13);
    expect(first!.authors!.slice(0, 3)).toEqual(['Tyler Anderson', 'Jacob Cutter', 'Navneet Dhaliwal']);
    expect(first!.authors![12]).toBe('Mani Tripathi');
    expect(first!.abstract).toMatch(/^Silicon photomultipliers \(SiPMs\) are potential solid-state alternatives to traditional/);
    expect(first).not.toHaveProperty('version');
    expect(first).not.toHaveProperty('doi');

    expect(second).toMatchObject({
      arxivId: '1706.09418',
      title: 'R-Parity Violation at the LHC',
      authors: ['Daniel Dercks', 'Herbi Dreiner', 'Manuel E. Krauss', 'Toby Opferkuch', 'Annika Reinert'],
      categories: ['hep-ph', 'hep-ex'],
      doi: '10.1140/epjc/s10052-017-5414-4',
      journalRef: 'Eur. Phys. J. C (2017) 77:856',
      comments:
        '43 pages, 13 tables, 17 figures; updated Figs. 11-17 and Tab. 12 including NLO corrections; version accepted for publication in EPJC',
      publishedAt: '2017-06-28T00:00:00.000Z',
      updatedAt: '2017-11-26T00:00:00.000Z',
    });
    expect(second!.abstract).toContain('including the $\\bar U\\bar D\\bar D$ models.');

    expect(third).toMatchObject({
      arxivId: '1707.00874',
      title: 'Implications of right-handed neutrinos in $B-L$ extended standard model with scalar dark matter',
      authors: ['Priyotosh Bandyopadhyay', 'Eung Jin Chun', 'Rusa Mandal'],
      categories: ['hep-ph', 'astro-ph.CO', 'hep-ex'],
      comments: 'Typos corrected, references added, version accepted for publication in PRD',
    });
  });

  it('reads the GetRecord response (1401.2122)', () => {
    const origin = 'hepcrawl_getrecord_arXiv_1401.2122_2018.xml';
    const page = parseOaiPmh(fixture(origin), origin);
    expect(page.responseDate).toBe('2018-01-26T09:05:29Z');
    expect(records(page.items)).toEqual([
      {
        source: 'arxiv-oai',
        arxivId: '1401.2122',
        doi: '10.1007/s11005-017-1013-4',
        title: 'New integrable (3+1)-dimensional systems and contact geometry',
        abstract:
          'We introduce a novel systematic construction for integrable (3+1)-dimensional dispersionless systems using nonisospectral Lax pairs that involve contact vector fields. In particular, we present new large classes of (3+1)-dimensional integrable dispersionless systems associated to the Lax pairs which are polynomial and rational in the spectral parameter.',
        authors: ['A. Sergyeyev'],
        categories: ['math.AP', 'hep-th', 'math-ph', 'math.DG', 'math.MP', 'nlin.SI'],
        publishedAt: '2014-01-09T00:00:00.000Z',
        updatedAt: '2017-10-23T00:00:00.000Z',
        journalRef: 'Lett. Math. Phys. 108 (2018), no. 2, 359-376',
        comments:
          '16 pages, LaTeX, no figures, revised and abridged, in this version (v5) the typos were fixed (including some that have unfortunately crept into the published version too), Letters in Mathematical Physics (2017)',
      },
    ]);
  });

  it('joins forenames, keyname and suffix; no <updated> leaves updatedAt undefined', () => {
    const page = parseOaiPmh(
      listRecords(
        arxivRecord(
          'hep-th/9901001',
          `<created>1999-01-04</created><authors><author><keyname>Smith</keyname><forenames>John</forenames><suffix>Jr</suffix></author>
<author><keyname>ATLAS Collaboration</keyname></author></authors><title>T</title><categories>hep-th</categories>`,
        ),
      ),
      'o',
    );
    const [record] = records(page.items);
    expect(record).toEqual({
      source: 'arxiv-oai',
      arxivId: 'hep-th/9901001',
      title: 'T',
      authors: ['John Smith Jr', 'ATLAS Collaboration'],
      categories: ['hep-th'],
      publishedAt: '1999-01-04T00:00:00.000Z',
    });
  });
});

describe('parseOaiPmh: metadataPrefix=oai_dc', () => {
  it('reads records, the resumption token and completeListSize', () => {
    const origin = 'atomiklabs_listrecords_oai_dc_cs_2024_first2_with_token.xml';
    const page = parseOaiPmh(fixture(origin), origin);
    expect(page.responseDate).toBe('2024-01-27T17:53:42Z');
    expect(page.resumptionToken).toBe('6960524|1001');
    expect(page.completeListSize).toBe(1162);
    const [first, second] = records(page.items);
    expect(first).toMatchObject({
      source: 'arxiv-oai',
      arxivId: '1303.2033',
      title: 'Extended Fourier analysis of signals',
      authors: ['Vilnis Liepins'],
      categories: ['cs.DS', 'cs.IT', 'math.NA'],
      publishedAt: '2013-03-08T00:00:00.000Z',
      updatedAt: '2024-01-23T00:00:00.000Z',
      comments: '32 pages, 9 figures',
    });
    expect(first!.abstract).toMatch(/^This summary of the doctoral thesis is created to emphasize the close connection/);
    expect(first!.abstract).toMatch(/nowadays EDFT application could be considered as a real alternative\.$/);
    expect(first).not.toHaveProperty('version');
    expect(second).toMatchObject({
      arxivId: '2401.14034',
      title:
        'Unsupervised Spatial-Temporal Feature Enrichment and Fidelity Preservation Network for Skeleton based Action Recognition',
      authors: ['Chuankun Li', 'Shuai Li', 'Yanbo Gao', 'Ping Chen', 'Jian Li', 'Wanqing Li'],
      categories: ['cs.CV'],
      publishedAt: '2024-01-25T00:00:00.000Z',
    });
    expect(second).not.toHaveProperty('updatedAt');
    expect(second).not.toHaveProperty('comments');
  });

  it('takes doi and version from dc:identifier and drops unknown subjects', () => {
    const xml = listRecords(`<record><header><identifier>oai:arXiv.org:0704.0001</identifier></header><metadata>
<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title>Calculation of prompt diphoton production cross sections at Tevatron and
 LHC energies</dc:title>
<dc:creator>Bal\\'azs, C.</dc:creator><dc:creator>Yuan, C. -P.</dc:creator>
<dc:subject>High Energy Physics - Phenomenology</dc:subject><dc:subject>Underwater Basket Weaving</dc:subject>
<dc:description>Comment: 37 pages</dc:description><dc:description>  A fully differential calculation.</dc:description>
<dc:date>2007-07-24</dc:date><dc:date>2007-04-02</dc:date>
<dc:identifier>http://arxiv.org/abs/0704.0001v2</dc:identifier>
<dc:identifier>Phys.Rev.D76:013009,2007</dc:identifier>
<dc:identifier>doi:10.1103/PhysRevD.76.013009</dc:identifier>
</oai_dc:dc></metadata></record>`);
    expect(records(parseOaiPmh(xml, 'o').items)).toEqual([
      {
        source: 'arxiv-oai',
        arxivId: '0704.0001',
        version: 2,
        doi: '10.1103/physrevd.76.013009',
        title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
        abstract: 'A fully differential calculation.',
        authors: ['C. Balázs', 'C. -P. Yuan'],
        categories: ['hep-ph'],
        publishedAt: '2007-04-02T00:00:00.000Z',
        updatedAt: '2007-07-24T00:00:00.000Z',
        comments: '37 pages',
      },
    ]);
  });
});

describe('parseOaiPmh: metadataPrefix=arXivRaw (hand-made fixture)', () => {
  const origin = 'handmade_listrecords_arXivRaw.xml';

  it('uses v1 for publishedAt, the latest version for updatedAt and version; skips the deleted record', () => {
    const page = parseOaiPmh(fixture(origin), origin);
    expect(page.responseDate).toBe('2008-12-20T10:15:02Z');
    expect(page.resumptionToken).toBe('1228476|1001');
    expect(page.completeListSize).toBe(2427);
    // record 3 (0704.0003) is deleted: neither a record nor a rejection
    expect(page.items.map((i) => i.where)).toEqual([
      `${origin} record 1 (id oai:arXiv.org:0704.0001)`,
      `${origin} record 2 (id oai:arXiv.org:0704.0002)`,
      `${origin} record 4 (id oai:arXiv.org:0704.0004)`,
      `${origin} record 5 (id oai:arXiv.org:0704.0005)`,
    ]);
    const [first, second, fourth, fifth] = records(page.items);
    expect(first).toMatchObject({
      source: 'arxiv-oai',
      arxivId: '0704.0001',
      version: 2,
      doi: '10.1103/physrevd.76.013009',
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C.-P. Yuan'],
      categories: ['hep-ph'],
      publishedAt: '2007-04-02T19:18:42.000Z',
      updatedAt: '2007-07-24T20:10:27.000Z',
      journalRef: 'Phys.Rev.D76:013009,2007',
      comments: '37 pages, 15 figures; published version',
    });
    expect(first!.abstract).toMatch(/^A fully differential calculation in perturbative quantum chromodynamics is presented/);
    expect(second).toMatchObject({
      arxivId: '0704.0002',
      version: 2,
      authors: ['Ileana Streinu', 'Louis Theran'],
      categories: ['math.CO', 'cs.CG'],
      publishedAt: '2007-03-31T02:26:18.000Z',
      updatedAt: '2008-12-13T17:26:00.000Z',
      comments: 'To appear in Graphs and Combinatorics',
    });
    expect(fourth).toMatchObject({ arxivId: '0704.0004', version: 1, publishedAt: '2007-03-31T03:16:14.000Z' });
    expect(fourth).not.toHaveProperty('updatedAt');
    expect(fifth).toMatchObject({
      arxivId: '0704.0005',
      version: 1,
      title: 'From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$',
      authors: ['Wael Abu-Shammala', 'Alberto Torchinsky'],
      categories: ['math.CA', 'math.FA'],
      journalRef: 'Illinois J. Math. 52 (2008) no.2, 681-689',
    });
  });

  it('splits author strings with affiliations and a final "and"', () => {
    const xml = listRecords(`<record><header><identifier>oai:arXiv.org:1001.0001</identifier></header><metadata>
<arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"><id>1001.0001</id>
<version version="v3"><date>Fri, 8 Jan 2010 09:00:00 GMT</date></version>
<version version="v1"><date>Thu, 31 Dec 2009 20:00:01 GMT</date></version>
<title>T</title><authors>A. Smith (1), B. Jones (2), John Doe, Jr., and C. Brown ((1) MIT, (2) CERN)</authors></arXivRaw>
</metadata></record>`);
    expect(records(parseOaiPmh(xml, 'o').items)).toEqual([
      {
        source: 'arxiv-oai',
        arxivId: '1001.0001',
        version: 3,
        title: 'T',
        authors: ['A. Smith', 'B. Jones', 'John Doe Jr.', 'C. Brown'],
        publishedAt: '2009-12-31T20:00:01.000Z',
        updatedAt: '2010-01-08T09:00:00.000Z',
      },
    ]);
  });
});

describe('parseOaiPmh: errors and rejections', () => {
  it('reports noRecordsMatch as page.error, not a throw', () => {
    const xml = `${OAI_OPEN}
<request verb="ListRecords" from="2026-03-01" metadataPrefix="arXiv" set="cs">http://export.arxiv.org/oai2</request>
<error code="noRecordsMatch">No records match the request: from, until, set and metadataPrefix arguments</error>
</OAI-PMH>`;
    expect(parseOaiPmh(xml, 'o')).toEqual({
      items: [],
      responseDate: '2026-03-02T10:00:00Z',
      error: {
        code: 'noRecordsMatch',
        message: 'No records match the request: from, until, set and metadataPrefix arguments',
      },
    });
  });

  it('reports badResumptionToken the same way', () => {
    const xml = `${OAI_OPEN}<request verb="ListRecords">http://export.arxiv.org/oai2</request>
<error code="badResumptionToken">Bad resumption token</error></OAI-PMH>`;
    expect(parseOaiPmh(xml, 'o').error).toEqual({ code: 'badResumptionToken', message: 'Bad resumption token' });
  });

  it('an empty resumptionToken ends the list but still gives completeListSize', () => {
    const xml = listRecords(
      arxivRecord('2401.00001', '<title>T</title>'),
      '<resumptionToken cursor="1000" completeListSize="1001"/>',
    );
    const page = parseOaiPmh(xml, 'o');
    expect(page.resumptionToken).toBeUndefined();
    expect(page.completeListSize).toBe(1001);
  });

  it('rejects records without title, with a bad id or date, or in an unknown format', () => {
    const xml = listRecords(
      [
        arxivRecord('2401.00001', '<title> </title>'),
        arxivRecord('24O1.00002', '<title>T</title>'),
        arxivRecord('2401.00003', '<title>T</title><created>yesterday</created>'),
        `<record><header><identifier>oai:arXiv.org:2401.00004</identifier></header><metadata>
         <mods xmlns="http://www.loc.gov/mods/v3"/></metadata></record>`,
        `<record><header><identifier>oai:arXiv.org:2401.00005</identifier></header></record>`,
        arxivRecord('2401.00006', '<title>Fine</title>'),
      ].join('\n'),
    );
    const page = parseOaiPmh(xml, 'p');
    expect(page.items).toEqual([
      { kind: 'rejected', where: 'p record 1 (id oai:arXiv.org:2401.00001)', reason: 'missing title' },
      { kind: 'rejected', where: 'p record 2 (id oai:arXiv.org:24O1.00002)', reason: 'unusable arXiv id "24O1.00002"' },
      { kind: 'rejected', where: 'p record 3 (id oai:arXiv.org:2401.00003)', reason: 'created: invalid date "yesterday"' },
      {
        kind: 'rejected',
        where: 'p record 4 (id oai:arXiv.org:2401.00004)',
        reason: 'unsupported metadata format <mods> in namespace "http://www.loc.gov/mods/v3"',
      },
      { kind: 'rejected', where: 'p record 5 (id oai:arXiv.org:2401.00005)', reason: 'record has no metadata' },
      {
        kind: 'record',
        where: 'p record 6 (id oai:arXiv.org:2401.00006)',
        record: { source: 'arxiv-oai', arxivId: '2401.00006', title: 'Fine' },
      },
    ]);
  });

  it('throws MalformedDocumentError for a truncated page, garbage and a wrong root', () => {
    const origin = 'http://export.arxiv.org/oai2?verb=ListRecords&metadataPrefix=oai_dc&set=cs';
    const xml = fixture('atomiklabs_listrecords_oai_dc_cs_2024_first2_with_token.xml');
    let caught: unknown;
    try {
      parseOaiPmh(xml.slice(0, xml.length / 2), origin);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MalformedDocumentError);
    expect((caught as MalformedDocumentError).origin).toBe(origin);
    expect((caught as MalformedDocumentError).message).toMatch(/^http:\/\/export\.arxiv\.org\/oai2\?.*: unclosed tag: /);
    expect(() => parseOaiPmh('\u0000\u0001binary', 'o')).toThrow(MalformedDocumentError);
    expect(() => parseOaiPmh('<feed xmlns="http://www.w3.org/2005/Atom"/>', 'o')).toThrow(
      'o: expected an OAI-PMH root element, found <feed>',
    );
  });
});
