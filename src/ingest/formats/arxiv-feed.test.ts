import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PaperRecord, ParsedItem } from '../../catalogue/paper.js';
import { parseArxivFeed } from './arxiv-feed.js';
import { MalformedDocumentError } from './document.js';

const DIR = new URL('../../../test/fixtures/formats/arxiv_rss/', import.meta.url);
const RSS_FIXTURE = 'msudars_rss2_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24.xml';
const fixture = (name: string) => readFileSync(new URL(name, DIR), 'utf8');

function records(items: ParsedItem[]): PaperRecord[] {
  return items.map((item) => {
    if (item.kind !== 'record') throw new Error(`expected a record, got rejection at ${item.where}: ${item.reason}`);
    return item.record;
  });
}

describe('parseArxivFeed: RSS 2.0 (rss.arxiv.org/rss)', () => {
  const page = parseArxivFeed(fixture(RSS_FIXTURE), RSS_FIXTURE);
  const [first, second, cross, replace] = records(page.items);

  it('keeps every announce type, in feed order', () => {
    expect(page.items.map((i) => i.where)).toEqual([
      `${RSS_FIXTURE} item 1 (id oai:arXiv.org:2609.26811v1)`,
      `${RSS_FIXTURE} item 2 (id oai:arXiv.org:2609.26820v1)`,
      `${RSS_FIXTURE} item 3 (id oai:arXiv.org:2205.06398v2)`,
      `${RSS_FIXTURE} item 4 (id oai:arXiv.org:2009.13987v3)`,
    ]);
  });

  it('reads a "new" item: prefix stripped, version from it, announcement date as publishedAt', () => {
    expect(first).toMatchObject({
      source: 'arxiv-rss',
      arxivId: '2609.26811',
      version: 1,
      title: 'The Drift Contract: Spectral Updates for Depth-Robust Local Learning',
      authors: ['Fabien Polly'],
      categories: ['cs.LG'],
      // "Thu, 24 Sep 2026 00:00:00 -0400"
      publishedAt: '2026-09-24T04:00:00.000Z',
      absUrl: 'https://arxiv.org/abs/2609.26811',
    });
    expect(first!.abstract).toMatch(/^Local learning trains each layer with its own auxiliary loss and no global backward pass,/);
    expect(first!.abstract).toMatch(/so the local advantage concentrates precisely where normalization is absent\.$/);
    expect(first).not.toHaveProperty('updatedAt');
    expect(first).not.toHaveProperty('doi');
    expect(first).not.toHaveProperty('pdfUrl');
  });

  it('splits the comma-separated dc:creator', () => {
    expect(second).toMatchObject({
      arxivId: '2609.26820',
      version: 1,
      title:
        'Signal2Symbol: Neuro-Symbolic Temporal Reasoning for Explainable Physiological Time-Series Anomaly Detection',
      authors: ['Naser Mansour', 'Sidahmed Benabderrahmane', 'Ameer Rahwan'],
      categories: ['cs.LG', 'cs.AI'],
      publishedAt: '2026-09-24T04:00:00.000Z',
    });
    expect(second!.abstract).toMatch(/^Physiological time series such as electrocardiograms \(ECG\)/);
  });

  it('reads a "cross" item: doi, version, no dates', () => {
    expect(cross).toEqual({
      source: 'arxiv-rss',
      arxivId: '2205.06398',
      version: 2,
      doi: '10.1093/bioinformatics/btac431',
      title: 'Outlier Detection for Multi-Network Data',
      abstract: expect.stringMatching(
        /^It has become routine in neuroscience studies to measure brain networks .* can significantly change inferences in downstream applications\.$/,
      ),
      authors: ['Pritam Dey', 'Zhengwu Zhang', 'David B. Dunson'],
      categories: ['stat.ME', 'stat.AP', 'stat.ML'],
      absUrl: 'https://arxiv.org/abs/2205.06398',
    });
  });

  it('reads a "replace" item: new version, announcement date as updatedAt only', () => {
    expect(replace).toEqual({
      source: 'arxiv-rss',
      arxivId: '2009.13987',
      version: 3,
      title: 'Random Polytope Descriptors',
      abstract:
        'We introduce a class of random polytopes which simultaneously generalizes several known constructions. While being fairly general, these polytopes are also computationally exceptionally benign. We indicate how these properties can be exploited for classification and clustering tasks in data analysis. Crucially, our construction lets users smoothly trade off between a tighter description of the data and faster computation.',
      authors: ['Michael Joswig', 'Marek Kaluba', 'Lukas Ruff'],
      categories: ['cs.LG', 'math.MG', 'stat.ML'],
      updatedAt: '2026-09-24T04:00:00.000Z',
      absUrl: 'https://arxiv.org/abs/2009.13987',
    });
  });
});

// Hand-written in the shape of a real rss.arxiv.org/atom capture (2025): root
// namespaces, microsecond `updated`, `published` at midnight US Eastern,
// dc:creator author lists, bare <category term>. Contents are invented.
const ATOM_FEED = `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns="http://www.w3.org/2005/Atom" xml:lang="en-us">
  <id>http://rss.arxiv.org/atom/cs.AI</id>
  <title>cs.AI updates on arXiv.org</title>
  <updated>2025-08-20T04:00:19.866337+00:00</updated>
  <link href="http://rss.arxiv.org/atom/cs.AI" rel="self" type="application/atom+xml"/>
  <subtitle>cs.AI updates on the arXiv.org e-print archive.</subtitle>
  <entry>
    <id>oai:arXiv.org:2508.13167v1</id>
    <title>A New Paper</title>
    <updated>2025-08-20T04:00:19.910019+00:00</updated>
    <link href="https://arxiv.org/abs/2508.13167" rel="alternate" type="text/html"/>
    <summary>arXiv:2508.13167v1 Announce Type: new 
Abstract: We study things &lt; other things. Code at https://github.com/Example/Thing.</summary>
    <category term="cs.AI"/>
    <category term="cs.CL"/>
    <published>2025-08-20T00:00:00-04:00</published>
    <arxiv:announce_type>new</arxiv:announce_type>
    <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>
    <dc:creator>Nikola Pi\\v{z}urica, Ana Ruiz and Bo Li</dc:creator>
  </entry>
  <entry>
    <id>oai:arXiv.org:2301.00002v4</id>
    <title>A Replaced Paper</title>
    <updated>2025-08-20T04:00:19.909947+00:00</updated>
    <link href="https://arxiv.org/abs/2301.00002" rel="alternate" type="text/html"/>
    <summary>arXiv:2301.00002v4 Announce Type: replace 
Abstract: Revised.</summary>
    <category term="cs.AI"/>
    <published>2025-08-20T00:00:00-04:00</published>
    <arxiv:announce_type>replace</arxiv:announce_type>
    <dc:creator>Tao An</dc:creator>
    <arxiv:DOI>10.1000/ABC.1</arxiv:DOI>
    <arxiv:journal_reference>J. Ex. 1 (2024) 2</arxiv:journal_reference>
  </entry>
  <entry>
    <id>oai:arXiv.org:2302.00003v2</id>
    <title>A Replaced Cross-list</title>
    <link href="https://arxiv.org/abs/2302.00003" rel="alternate" type="text/html"/>
    <summary>arXiv:2302.00003v2 Announce Type: replace-cross 
Abstract: Also revised.</summary>
    <category term="stat.ML"/>
    <category term="cs.AI"/>
    <published>2025-08-20T00:00:00-04:00</published>
    <arxiv:announce_type>replace-cross</arxiv:announce_type>
    <dc:creator>Cong Zhang</dc:creator>
  </entry>
  <entry>
    <id>oai:arXiv.org:2508.10000v1</id>
    <title>A Cross-list Without Announce Element</title>
    <link href="https://arxiv.org/abs/2508.10000" rel="alternate" type="text/html"/>
    <summary>arXiv:2508.10000v1 Announce Type: cross 
Abstract: Crossed.</summary>
    <published>2025-08-20T00:00:00-04:00</published>
    <author><name>Ziwen Han</name></author>
    <author><name>Meher Mankikar</name></author>
  </entry>
</feed>`;

describe('parseArxivFeed: Atom (rss.arxiv.org/atom)', () => {
  const items = parseArxivFeed(ATOM_FEED, 'atom.xml').items;
  const [created, replaced, replacedCross, crossed] = records(items);

  it('names entries by position and id', () => {
    expect(items.map((i) => i.where)).toEqual([
      'atom.xml entry 1 (id oai:arXiv.org:2508.13167v1)',
      'atom.xml entry 2 (id oai:arXiv.org:2301.00002v4)',
      'atom.xml entry 3 (id oai:arXiv.org:2302.00003v2)',
      'atom.xml entry 4 (id oai:arXiv.org:2508.10000v1)',
    ]);
  });

  it('reads a new entry', () => {
    expect(created).toEqual({
      source: 'arxiv-rss',
      arxivId: '2508.13167',
      version: 1,
      title: 'A New Paper',
      abstract: 'We study things < other things. Code at https://github.com/Example/Thing.',
      authors: ['Nikola Pižurica', 'Ana Ruiz', 'Bo Li'],
      categories: ['cs.AI', 'cs.CL'],
      publishedAt: '2025-08-20T04:00:00.000Z',
      absUrl: 'https://arxiv.org/abs/2508.13167',
      codeUrls: ['https://github.com/example/thing'],
    });
  });

  it('reads replace and replace-cross entries as new versions (updatedAt only)', () => {
    expect(replaced).toEqual({
      source: 'arxiv-rss',
      arxivId: '2301.00002',
      version: 4,
      doi: '10.1000/abc.1',
      title: 'A Replaced Paper',
      abstract: 'Revised.',
      authors: ['Tao An'],
      categories: ['cs.AI'],
      updatedAt: '2025-08-20T04:00:00.000Z',
      journalRef: 'J. Ex. 1 (2024) 2',
      absUrl: 'https://arxiv.org/abs/2301.00002',
    });
    expect(replacedCross).toMatchObject({ arxivId: '2302.00003', version: 2, updatedAt: '2025-08-20T04:00:00.000Z' });
    expect(replacedCross).not.toHaveProperty('publishedAt');
  });

  it('takes the announce type from the summary prefix and authors from <author>', () => {
    expect(crossed).toEqual({
      source: 'arxiv-rss',
      arxivId: '2508.10000',
      version: 1,
      title: 'A Cross-list Without Announce Element',
      abstract: 'Crossed.',
      authors: ['Ziwen Han', 'Meher Mankikar'],
      absUrl: 'https://arxiv.org/abs/2508.10000',
    });
  });
});

describe('parseArxivFeed: edge cases', () => {
  const rss = (items: string) =>
    `<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel><title>t</title>${items}</channel></rss>`;

  it('falls back to the description prefix for the id and rejects items without id or title', () => {
    const page = parseArxivFeed(
      rss(`<item><title>No guid</title><description>arXiv:2609.00001v2 Announce Type: replace
Abstract: x</description><pubDate>Thu, 24 Sep 2026 00:00:00 -0400</pubDate></item>
<item><title>Nothing</title><description>Abstract: x</description></item>
<item><title> </title><guid>oai:arXiv.org:2609.00003v1</guid></item>
<item><title>Bad date</title><guid>oai:arXiv.org:2609.00004v1</guid><arxiv:announce_type>new</arxiv:announce_type><pubDate>someday</pubDate></item>
<item><title>Bad date but unused</title><guid>oai:arXiv.org:2609.00005v1</guid><arxiv:announce_type>cross</arxiv:announce_type><pubDate>someday</pubDate></item>`),
      'f',
    );
    expect(page.items).toEqual([
      {
        kind: 'record',
        where: 'f item 1 (id missing)',
        record: {
          source: 'arxiv-rss',
          arxivId: '2609.00001',
          version: 2,
          title: 'No guid',
          abstract: 'x',
          updatedAt: '2026-09-24T04:00:00.000Z',
        },
      },
      { kind: 'rejected', where: 'f item 2 (id missing)', reason: 'missing arXiv id' },
      { kind: 'rejected', where: 'f item 3 (id oai:arXiv.org:2609.00003v1)', reason: 'missing title' },
      { kind: 'rejected', where: 'f item 4 (id oai:arXiv.org:2609.00004v1)', reason: 'pubDate: invalid date "someday"' },
      {
        kind: 'record',
        where: 'f item 5 (id oai:arXiv.org:2609.00005v1)',
        record: { source: 'arxiv-rss', arxivId: '2609.00005', version: 1, title: 'Bad date but unused' },
      },
    ]);
  });

  it('does not treat a "new" announcement of a later version as first publication', () => {
    const page = parseArxivFeed(
      rss(`<item><title>T</title><guid>oai:arXiv.org:2609.00006v2</guid><arxiv:announce_type>new</arxiv:announce_type>
<pubDate>Thu, 24 Sep 2026 00:00:00 -0400</pubDate></item>`),
      'f',
    );
    expect(records(page.items)[0]).toEqual({ source: 'arxiv-rss', arxivId: '2609.00006', version: 2, title: 'T' });
  });

  it('throws MalformedDocumentError for a truncated feed, garbage and a wrong root', () => {
    const xml = fixture(RSS_FIXTURE);
    const origin = 'https://rss.arxiv.org/rss/cs.LG+cs.AI+cs.CL+stat.ML';
    expect(() => parseArxivFeed(xml.slice(0, xml.length / 2), origin)).toThrow(
      new RegExp(`^${origin.replace(/[.+?]/g, '\\$&')}: unclosed tag: \\w+ at line \\d+, column \\d+$`),
    );
    expect(() => parseArxivFeed(ATOM_FEED.slice(0, 1500), 'a')).toThrow(MalformedDocumentError);
    expect(() => parseArxivFeed('{"not": "xml"}', 'j')).toThrow(MalformedDocumentError);
    expect(() => parseArxivFeed('<rss version="2.0"/>', 'r')).toThrow('r: RSS document has no <channel>');
    expect(() =>
      parseArxivFeed('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', 'r'),
    ).toThrow('r: expected an RSS <rss> or Atom <feed> root element, found <RDF>');
  });
});
