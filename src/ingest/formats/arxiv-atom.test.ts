import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PaperRecord, ParsedItem } from '../../catalogue/paper.js';
import { parseArxivAtom } from './arxiv-atom.js';
import { MalformedDocumentError } from './document.js';

const DIR = new URL('../../../test/fixtures/formats/arxiv_api_atom/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, DIR), 'utf8');

function records(items: ParsedItem[]): PaperRecord[] {
  return items.map((item) => {
    if (item.kind !== 'record') throw new Error(`expected a record, got rejection at ${item.where}: ${item.reason}`);
    return item.record;
  });
}

const feed = (entries: string, head = '') => `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>https://arxiv.org/api/test</id>${head}
  ${entries}
</feed>`;

const entry = (fields: string) => `<entry>${fields}</entry>`;
const GOOD = `<id>http://arxiv.org/abs/2401.01234v3</id><title>A title</title>
  <published>2024-01-02T03:04:05Z</published><updated>2024-02-03T04:05:06Z</updated>`;

describe('parseArxivAtom: classic backend (2016)', () => {
  it('reads the search page: paging and three entries field by field', () => {
    const origin = 'lukasschwab_search_au-del_maestro_2016_first3.xml';
    const page = parseArxivAtom(fixture(origin), origin);
    expect(page.totalResults).toBe(31);
    expect(page.startIndex).toBe(0);
    expect(page.itemsPerPage).toBe(10);
    expect(page.apiError).toBeUndefined();
    expect(page.items.map((i) => i.where)).toEqual([
      `${origin} entry 1 (id http://arxiv.org/abs/1201.4869v1)`,
      `${origin} entry 2 (id http://arxiv.org/abs/cond-mat/0412498v1)`,
      `${origin} entry 3 (id http://arxiv.org/abs/cond-mat/0603029v1)`,
    ]);
    const [first, second, third] = records(page.items);
    expect(first).toMatchObject({
      source: 'arxiv-api',
      arxivId: '1201.4869',
      version: 1,
      doi: '10.1142/s021797921244002x',
      title: 'A Luttinger Liquid Core Inside Helium-4 Filled Nanopores',
      authors: ['Adrian Del Maestro'],
      categories: ['cond-mat.mes-hall', 'cond-mat.other'],
      publishedAt: '2012-01-23T21:15:02.000Z',
      updatedAt: '2012-01-23T21:15:02.000Z',
      journalRef: 'Int. J. Mod. Phys. B, 26, 1244002 (2012)',
      comments: '26 pages, 10 figures',
      absUrl: 'http://arxiv.org/abs/1201.4869v1',
      pdfUrl: 'http://arxiv.org/pdf/1201.4869v1',
    });
    expect(first!.abstract).toMatch(/^As helium-4 is cooled below 2\.17 K it undergoes a phase transition to a fundamentally new state/);
    expect(first!.abstract).toMatch(/exciting possibility of the experimental detection of this intriguing low dimensional state of matter\.$/);
    expect(first!.codeUrls).toBeUndefined();

    expect(second).toMatchObject({
      arxivId: 'cond-mat/0412498',
      version: 1,
      doi: '10.1103/physrevb.71.184511',
      title: 'Thermal melting of density waves on the square lattice',
      authors: ['Adrian Del Maestro', 'Subir Sachdev'],
      categories: ['cond-mat.str-el', 'cond-mat.stat-mech'],
      publishedAt: '2004-12-19T16:18:24.000Z',
      journalRef: 'Physical Review B 71, 184511 (2005)',
      comments: '12 pages, 5 figures',
    });
    // "&gt;=" in the source is an entity; the abstract holds the character.
    expect(second!.abstract).toContain('"p x p" density wave ordering on the square lattice (p >= 3, integer).');

    expect(third).toMatchObject({
      arxivId: 'cond-mat/0603029',
      title: 'From stripe to checkerboard order on the square lattice in the presence of quenched disorder',
      authors: ['Adrian Del Maestro', 'Bernd Rosenow', 'Subir Sachdev'],
      categories: ['cond-mat.str-el', 'cond-mat.supr-con'],
      doi: '10.1103/physrevb.74.024520',
      journalRef: 'Phys. Rev. B 74, 024520 (2006)',
      comments: '10 pages, 11 figures; added reference',
      pdfUrl: 'http://arxiv.org/pdf/cond-mat/0603029v1',
    });
  });

  it('reads the v2 id_list entry (updated differs from published, wrapped title)', () => {
    const origin = 'lukasschwab_id_list_1111.2011v2_2016.xml';
    const page = parseArxivAtom(fixture(origin), origin);
    expect(page).toMatchObject({ totalResults: 1, startIndex: 0, itemsPerPage: 10 });
    expect(records(page.items)).toEqual([
      {
        source: 'arxiv-api',
        arxivId: '1111.2011',
        version: 2,
        doi: '10.1103/physrevb.85.115117',
        title: 'Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit',
        abstract: expect.stringMatching(
          /^Theoretical description of anisotropic systems, such as layered superconductors and coupled spin chains, .* dimension to the theory describing a single node\.$/,
        ),
        authors: ['James M. Murray', 'Adrian Del Maestro', 'Zlatko Tesanovic'],
        categories: ['cond-mat.str-el', 'cond-mat.stat-mech'],
        publishedAt: '2011-11-08T18:48:36.000Z',
        updatedAt: '2012-04-02T12:38:54.000Z',
        journalRef: 'Phys. Rev. B 85, 115117 (2012)',
        comments: '8 pages, 3 figures. Published version',
        absUrl: 'http://arxiv.org/abs/1111.2011v2',
        pdfUrl: 'http://arxiv.org/pdf/1111.2011v2',
      },
    ]);
  });
});

describe('parseArxivAtom: new backend (2026)', () => {
  it('reads an old-style id with an affiliation inside <author>', () => {
    const origin = 'lukasschwab_id_list_hep-ex_0406020v1_2026.xml';
    const page = parseArxivAtom(fixture(origin), origin);
    expect(page).toMatchObject({ totalResults: 1, startIndex: 0, itemsPerPage: 100 });
    expect(records(page.items)).toEqual([
      {
        source: 'arxiv-api',
        arxivId: 'hep-ex/0406020',
        version: 1,
        title: 'Sparticle Reconstruction at LHC',
        abstract:
          'In this report a review of recent studies made to understand the capability to discover and measure properties of SUSY particles at LHC is discussed. The expected resolution on sparticle masses is discussed on the basis of studies performed by the ATLAS and CMS collaborations.',
        authors: ['Alessia Tricomi'],
        categories: ['hep-ex'],
        publishedAt: '2004-06-07T11:08:22.000Z',
        updatedAt: '2004-06-07T11:08:22.000Z',
        comments:
          'Presented at XXXIX Rencontres de Moriond - QCD and Hadronic Interactions, 28 March - 4 April 2004, La Thuile, Italy',
        absUrl: 'https://arxiv.org/abs/hep-ex/0406020v1',
        pdfUrl: 'https://arxiv.org/pdf/hep-ex/0406020v1',
      },
    ]);
  });

  it('keeps all 34 authors in order, mojibake as recorded', () => {
    const origin = 'lukasschwab_id_list_0808.05394_1707.08567_2026.xml';
    const page = parseArxivAtom(fixture(origin), origin);
    expect(page).toMatchObject({ totalResults: 1, startIndex: 0, itemsPerPage: 100 });
    const [record] = records(page.items);
    expect(record).toMatchObject({
      arxivId: '1707.08567',
      version: 1,
      title: 'Proceedings of Workshop AEW10: Concepts in Information Theory and Communications',
      categories: ['cs.IT'],
      publishedAt: '2017-07-27T08:18:33.000Z',
      comments: '44 pages, editors for the proceedings: Yanling Chen and A. J. Han Vinck',
      absUrl: 'https://arxiv.org/abs/1707.08567v1',
      pdfUrl: 'https://arxiv.org/pdf/1707.08567v1',
    });
    expect(record!.doi).toBeUndefined();
    expect(record!.journalRef).toBeUndefined();
    expect(record!.authors).toHaveLength(34);
    expect(record!.authors!.slice(0, 2)).toEqual(['Kees A. Schouhamer Immink', 'Stan Baggen']);
    expect(record!.authors![4]).toBe('Peter H. N. de With');
    expect(record!.authors!.slice(-2)).toEqual(['Dirk WÃ¼bben', 'Hirosuke Yamamoto']);
  });

  it('reads the search page: primary first, entry without doi or comment', () => {
    const origin = 'saeedrafsharx_search_all-nicotine_2026_first3.xml';
    const page = parseArxivAtom(fixture(origin), origin);
    expect(page).toMatchObject({ totalResults: 58, startIndex: 0, itemsPerPage: 10 });
    const [first, second, third] = records(page.items);
    expect(first).toMatchObject({
      arxivId: '1509.01687',
      version: 1,
      doi: '10.1063/1.4904358',
      authors: ['S. J. Ray'],
      categories: ['cond-mat.mes-hall', 'physics.comp-ph'],
      journalRef: 'Journal of Applied Physics 116, 244307 (2014)',
      comments: '4 figures',
      publishedAt: '2015-09-05T10:21:46.000Z',
    });
    expect(second).toMatchObject({
      arxivId: '1206.3474',
      version: 2,
      doi: '10.1016/j.ssc.2013.06.001',
      title:
        'Molecular adsorption study of nicotine and caffeine on the single-walled carbon nanotube from first principles',
      authors: ['Hyung-June Lee', 'Gunn Kim', 'Young-Kyun Kwon'],
      publishedAt: '2012-06-15T14:07:14.000Z',
      updatedAt: '2013-07-09T09:20:29.000Z',
      journalRef: 'Solid State Communications, v.167, pp.27 - 30 (2013)',
    });
    expect(third).toMatchObject({
      arxivId: '2511.17570',
      title: 'Modeling Novel Oral Nicotine Use Among Adolescents',
      authors: ['Christopher Mitchell', 'Tracey Barnett', 'Meredith Newton', 'Erika Thompson', 'Melvin Livingston'],
      // primary physics.soc-ph first even though the feed lists categories separately
      categories: ['physics.soc-ph', 'cs.CY'],
      publishedAt: '2025-11-14T14:07:33.000Z',
    });
    expect(third).not.toHaveProperty('doi');
    expect(third).not.toHaveProperty('comments');
    expect(third).not.toHaveProperty('journalRef');
  });

  it('reports the error feed as apiError with no items', () => {
    const origin = 'lukasschwab_error_incorrect_id_format_abc_2026.xml';
    const page = parseArxivAtom(fixture(origin), origin);
    expect(page).toEqual({
      items: [],
      apiError: 'incorrect id format for abc',
      totalResults: 1,
      startIndex: 0,
      itemsPerPage: 1,
    });
  });
});

describe('parseArxivAtom: entries', () => {
  it('puts the primary category first even when it is listed last', () => {
    const page = parseArxivAtom(
      feed(entry(`${GOOD}<category term="math.CO"/><category term="cs.DM"/><arxiv:primary_category term="cs.DM"/>`)),
      'o',
    );
    expect(records(page.items)[0]!.categories).toEqual(['cs.DM', 'math.CO']);
  });

  it('does not depend on namespace prefixes', () => {
    const origin = 'saeedrafsharx_search_all-nicotine_2026_first3.xml';
    const original = fixture(origin);
    const renamed = original
      .replace('xmlns="http://www.w3.org/2005/Atom"', 'xmlns:atom="http://www.w3.org/2005/Atom"')
      .replace(/<(\/?)(feed|entry|id|title|updated|link|summary|category|published|author|name)\b/g, '<$1atom:$2')
      .replace('xmlns:arxiv=', 'xmlns:ax=')
      .replaceAll('arxiv:', 'ax:')
      .replace('xmlns:opensearch=', 'xmlns:os=')
      .replaceAll('opensearch:', 'os:');
    expect(renamed).toContain('<atom:entry>');
    expect(parseArxivAtom(renamed, origin)).toEqual(parseArxivAtom(original, origin));
  });

  it('collects code links from the abstract and comments', () => {
    const page = parseArxivAtom(
      feed(
        entry(
          `${GOOD}<summary>Code: https://github.com/Foo/Bar.</summary><arxiv:comment>See gitlab.com/x/y</arxiv:comment>`,
        ),
      ),
      'o',
    );
    expect(records(page.items)[0]!.codeUrls).toEqual(['https://github.com/foo/bar', 'https://gitlab.com/x/y']);
  });

  it('rejects entries without a title, without a usable id, or with a bad date', () => {
    const page = parseArxivAtom(
      feed(
        [
          entry(GOOD),
          entry('<id>http://arxiv.org/abs/2401.00001v1</id><title>  </title>'),
          entry('<id>http://arxiv.org/abs/not-an-id</id><title>T</title>'),
          entry('<title>T</title>'),
          entry('<id>http://arxiv.org/abs/2401.00002v1</id><title>T</title><published>2024-13-45</published>'),
        ].join('\n'),
      ),
      'page.xml',
    );
    expect(page.items.map((i) => i.kind)).toEqual(['record', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(page.items.slice(1)).toEqual([
      { kind: 'rejected', where: 'page.xml entry 2 (id http://arxiv.org/abs/2401.00001v1)', reason: 'missing title' },
      {
        kind: 'rejected',
        where: 'page.xml entry 3 (id http://arxiv.org/abs/not-an-id)',
        reason: 'unusable arXiv id "http://arxiv.org/abs/not-an-id"',
      },
      { kind: 'rejected', where: 'page.xml entry 4 (id missing)', reason: 'missing arXiv id' },
      {
        kind: 'rejected',
        where: 'page.xml entry 5 (id http://arxiv.org/abs/2401.00002v1)',
        reason: 'published: invalid date "2024-13-45"',
      },
    ]);
  });

  it('returns an empty page for a feed without entries', () => {
    const page = parseArxivAtom(
      feed('', '<opensearch:totalResults>0</opensearch:totalResults><opensearch:startIndex>0</opensearch:startIndex>'),
      'o',
    );
    expect(page).toEqual({ items: [], totalResults: 0, startIndex: 0 });
  });
});

describe('parseArxivAtom: broken documents', () => {
  it('throws MalformedDocumentError naming the origin for a truncated page', () => {
    const xml = fixture('saeedrafsharx_search_all-nicotine_2026_first3.xml');
    const origin = 'https://export.arxiv.org/api/query?search_query=all:nicotine';
    const call = () => parseArxivAtom(xml.slice(0, Math.floor(xml.length / 2)), origin);
    expect(call).toThrow(MalformedDocumentError);
    try {
      call();
    } catch (err) {
      expect(err).toBeInstanceOf(MalformedDocumentError);
      const error = err as MalformedDocumentError;
      expect(error.origin).toBe(origin);
      expect(error.message.startsWith(`${origin}: `)).toBe(true);
      expect(error.detail).toMatch(/^unclosed tag: \w+ at line \d+, column \d+$/);
    }
  });

  it('throws MalformedDocumentError for garbage, an HTML error page and a wrong root', () => {
    expect(() => parseArxivAtom('garbage', 'g')).toThrow(MalformedDocumentError);
    expect(() => parseArxivAtom('', 'g')).toThrow(MalformedDocumentError);
    expect(() => parseArxivAtom('<html><body><h1>502 Bad Gateway</h1><hr></body></html>', 'g')).toThrow(
      /^g: unexpected close tag at line 1, column \d+$/,
    );
    expect(() => parseArxivAtom('<rss version="2.0"><channel/></rss>', 'g')).toThrow(
      'g: expected an Atom <feed> root element, found <rss>',
    );
  });
});
