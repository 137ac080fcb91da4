import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE } from '../../../test/support/temp-context.js';
import type { ParsedItem } from '../../catalogue/paper.js';
import { decodeTexAccents } from '../../catalogue/tex-accents.js';
import { parseHfDaily } from './hf-daily.js';
import { parseKaggleSnapshot } from './kaggle-snapshot.js';
import { parseSeedPage } from './seed-page.js';
import { MalformedDocumentError } from './document.js';

async function collect(gen: AsyncGenerator<ParsedItem>): Promise<ParsedItem[]> {
  const out: ParsedItem[] = [];
  for await (const item of gen) out.push(item);
  return out;
}

async function* linesOf(text: string): AsyncGenerator<string> {
  yield* text.split('\n');
}

const records = (items: ParsedItem[]) => items.flatMap((i) => (i.kind === 'record' ? [i.record] : []));

describe('seed page', () => {
  it('reads all 273 papers of the bundled corpus and drops the banner', async () => {
    const text = readFileSync('assets/demo-corpus.txt', 'utf8');
    const items = await collect(parseSeedPage(linesOf(text), 'demo'));
    expect(items.filter((i) => i.kind === 'rejected')).toEqual([]);
    const papers = records(items);
    expect(papers).toHaveLength(273);
    expect(papers[0]).toEqual({
      source: 'seed',
      title: 'Identity Mappings in Deep Residual Networks',
      abstract: expect.stringMatching(/^Deep residual networks have emerged.*resnet-1k-layers$/),
    });
    expect(papers[2]!.title).toBe('u-μP: The Unit-Scaled Maximal Update Parametrization');
    expect(papers.some((p) => /Get trending/.test(p.title))).toBe(false);
  });

  it('rejects a paragraph where a title belongs and reports a dangling title, naming the lines', async () => {
    const long = 'x'.repeat(500);
    const items = await collect(parseSeedPage(linesOf(`Title A\nAbstract A\n${long}\nTitle B\nAbstract B\nDangling`), 'f.txt'));
    expect(records(items).map((r) => r.title)).toEqual(['Title A', 'Title B']);
    expect(items.filter((i) => i.kind === 'rejected').map((i) => i.where)).toEqual(['f.txt:3', 'f.txt:6']);
  });
});

describe('Kaggle snapshot', () => {
  it('maps the real fixture field by field', async () => {
    const text = readFileSync(FIXTURE('kaggle_arxiv_snapshot/wanng-ide_snapshot_lines1-5.jsonl'), 'utf8');
    const items = await collect(parseKaggleSnapshot(linesOf(text), 'snap.jsonl'));
    const papers = records(items);
    expect(papers).toHaveLength(5);
    expect(papers[0]).toMatchObject({
      source: 'kaggle',
      arxivId: '0704.0001',
      version: 2,
      doi: '10.1103/physrevd.76.013009',
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C. -P. Yuan'],
      categories: ['hep-ph'],
      publishedAt: '2007-04-02T19:18:42.000Z',
      updatedAt: '2007-07-24T20:10:27.000Z',
      journalRef: 'Phys.Rev.D76:013009,2007',
      comments: '37 pages, 15 figures; published version',
    });
    expect(papers[0]!.abstract).toMatch(/^A fully differential calculation in perturbative quantum chromodynamics is presented/);
    expect(papers[1]).toMatchObject({ arxivId: '0704.0002', doi: undefined, journalRef: undefined, categories: ['math.CO', 'cs.CG'] });
  });

  it('skips broken lines, bad dates and missing titles, naming the line, and keeps the rest', async () => {
    const good = readFileSync(FIXTURE('kaggle_arxiv_snapshot/wanng-ide_snapshot_lines1-5.jsonl'), 'utf8').split('\n')[0]!;
    const badDate = good.replace('Mon, 2 Apr 2007 19:18:42 GMT', 'not a date');
    const noTitle = good.replace(/"title":"[^"]*"/, '"title":""').replace('0704.0001', '0704.0009');
    const input = [good, '{"id": "0704.0003", "title": broken', badDate, '', noTitle, good.replace('0704.0001', '0704.0008')].join('\n');
    const items = await collect(parseKaggleSnapshot(linesOf(input), 'k.jsonl'));
    expect(records(items).map((r) => r.arxivId)).toEqual(['0704.0001', '0704.0008']);
    const rejected = items.filter((i): i is Extract<ParsedItem, { kind: 'rejected' }> => i.kind === 'rejected');
    expect(rejected.map((r) => r.where)).toEqual(['k.jsonl:2', 'k.jsonl:3', 'k.jsonl:5']);
    expect(rejected[0]!.reason).toMatch(/broken JSON/);
    expect(rejected[1]!.reason).toMatch(/invalid date/);
    expect(rejected[2]!.reason).toMatch(/missing title/);
  });
});

describe('Hugging Face daily papers', () => {
  it('keeps upvotes, GitHub repository and stars (2026 response)', () => {
    const page = parseHfDaily(readFileSync(FIXTURE('hf_daily_papers/buivannn_daily_papers_2026-07-31_first2.json'), 'utf8'), 'hf');
    const [first] = records(page.items);
    expect(first).toMatchObject({
      source: 'huggingface',
      arxivId: '2607.23193',
      title: 'OmniScope: Modality-Decoupled Token Compression for Omnimodal Large Language Models',
      authors: ['Jinsen Su', 'Yongdong Luo', 'Yuexiao Ma', 'Yibo Hu', 'Meiguang Jin', 'Xiaowu Zheng'],
      publishedAt: '2026-07-28T00:00:00.000Z',
      codeUrls: ['https://github.com/mac-automl/omniscope'],
      signals: [
        { metric: 'upvotes', value: 3 },
        { metric: 'github_stars', value: 3 },
        { metric: 'comments', value: 2 },
      ],
    });
    expect(records(page.items)[1]!.title).toMatch(/Σ-Mem/);
  });

  it('reads the 2024 response without GitHub fields', () => {
    const page = parseHfDaily(readFileSync(FIXTURE('hf_daily_papers/deep-diver_daily_papers_2024-10-25_first2.json'), 'utf8'), 'hf');
    const [first] = records(page.items);
    expect(first).toMatchObject({ arxivId: '2410.17243', publishedAt: '2024-10-22T17:59:30.000Z', codeUrls: undefined });
    expect(first!.signals).toEqual([
      { metric: 'upvotes', value: 64 },
      { metric: 'comments', value: 3 },
    ]);
  });

  it('rejects a bad submission and refuses a non-array document', () => {
    const page = parseHfDaily('[{"paper":{"id":"2401.00001","title":"Fine"}},{"paper":{"id":"nope","title":"x"}},{"x":1}]', 'hf');
    expect(page.items.map((i) => i.kind)).toEqual(['record', 'rejected', 'rejected']);
    expect(() => parseHfDaily('{"error":"rate limited"}', 'hf')).toThrow(MalformedDocumentError);
    expect(() => parseHfDaily('[{"paper":', 'hf')).toThrow(/not valid JSON/);
  });
});

describe('decodeTexAccents', () => {
  it.each([
    ["Bal\\'azs", 'Balázs'],
    ['M\\"uller', 'Müller'],
    ["Fran\\c{c}ois", 'François'],
    ['{\\o}stergaard', 'østergaard'],
    ["Erd\\H{o}s", 'Erdős'],
    ["\\v{S}koda", 'Škoda'],
    ["Jos\\'{e}", 'José'],
    ['plain', 'plain'],
  ])('%s → %s', (tex, unicode) => {
    expect(decodeTexAccents(tex)).toBe(unicode);
  });
});
