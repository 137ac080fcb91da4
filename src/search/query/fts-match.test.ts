import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRecords } from '../../catalogue/apply-records.js';
import type { PaperRecord } from '../../catalogue/paper.js';
import { openDatabase, type DatabaseHandle } from '../../db/connection.js';
import { migrate } from '../../db/migrator.js';
import { tokenize } from '../text/tokenize.js';
import { compileFtsMatch, dateBounds, quoteFtsString, residualDateBounds, type CompileOptions } from './fts-match.js';
import { parseQuery, type SearchQuery } from './search-query.js';
import { prng } from '../../../test/support/mutations.js';

const ALL: CompileOptions = { mode: 'all', currentYear: 2026 };
const compile = (input: string, opts: Partial<CompileOptions> = {}) => compileFtsMatch(parseQuery(input), { ...ALL, ...opts });
const TEXT = '{title abstract authors}';

describe('quoteFtsString', () => {
  it('wraps in double quotes and doubles inner quotes', () => {
    expect(quoteFtsString('say "hi"')).toBe('"say ""hi"""');
    expect(quoteFtsString('a\0b')).toBe('"a b"');
  });
});

describe('compileFtsMatch', () => {
  it('quotes every word and ANDs them in the text columns', () => {
    expect(compile('Diffusion models')).toBe(`${TEXT} : ("diffusion" AND "models")`);
  });

  it('ORs them in any mode', () => {
    expect(compile('diffusion models', { mode: 'any' })).toBe(`${TEXT} : ("diffusion" OR "models")`);
  });

  it('emits phrases and punctuated words as phrases of their tokens', () => {
    expect(compile('"Large  Language Models" state-of-the-art C++ foo:bar')).toBe(`${TEXT} : ("large language models" AND "state of the art" AND "c" AND "foo bar")`);
  });

  it('neutralises FTS5 keywords and syntax', () => {
    // "NEAR(a*" is the phrase "near a", whose trailing function word goes (see below).
    expect(compile('NOT AND OR NEAR NEAR(a* ^b {title}:c)')).toBe(`${TEXT} : ("not" AND "and" AND "or" AND "near" AND "near" AND "b" AND "title c")`);
  });

  it('drops function words at the ends of a phrase, keeps those inside and a phrase of nothing else', () => {
    expect(compile('"quantization in"')).toBe(`${TEXT} : ("quantization")`);
    expect(compile('"the evaluation of the model"')).toBe(`${TEXT} : ("evaluation of the model")`);
    expect(compile('in-context learning')).toBe(`${TEXT} : ("context" AND "learning")`);
    expect(compile('"mixture of experts"')).toBe(`${TEXT} : ("mixture of experts")`);
    expect(compile('"of the"')).toBe(`${TEXT} : ("of the")`);
    // Only grammar goes: "based" is a stop word for ranking, not for phrases.
    expect(compile('"transformer based"')).toBe(`${TEXT} : ("transformer based")`);
  });

  it('folds case and diacritics', () => {
    expect(compile('Schrödinger ÉCOLE')).toBe(`${TEXT} : ("schrodinger" AND "ecole")`);
  });

  it('restricts free text to the given columns', () => {
    expect(compile('attention', { columns: ['title'] })).toBe('{title} : ("attention")');
    expect(compile('attention', { columns: ['authors', 'abstract'] })).toBe('{abstract authors} : ("attention")');
  });

  it('ORs expansions with the word, bounded, and leaves phrases and exclusions alone', () => {
    const expansions = new Map([
      ['atention', ['attention', 'atention', 'detention']],
      ['transfomer', ['transformer']],
      ['models', Array.from({ length: 30 }, (_, i) => `model${i}`)],
    ]);
    expect(compile('atention "atention" -atention', { expansions })).toBe(`${TEXT} : (("atention" OR "attention" OR "detention") AND "atention") NOT ${TEXT} : ("atention")`);
    // In a joined word each token's alternatives give phrase variants.
    expect(compile('transfomer-based', { expansions })).toBe(`${TEXT} : (("transfomer based" OR "transformer based"))`);
    expect(compile('models', { expansions })!.match(/ OR /g)).toHaveLength(20);
  });

  it('turns exclusions into a NOT of their OR', () => {
    expect(compile('transformers -survey -"vision transformer"')).toBe(`${TEXT} : ("transformers") NOT ${TEXT} : ("survey" OR "vision transformer")`);
  });

  it('returns null when nothing positive is left', () => {
    expect(compile('')).toBeNull();
    expect(compile('😀 — ""')).toBeNull();
    expect(compile('-survey -"vision transformer"')).toBeNull();
    expect(compile('cat:cs.LG sort:newest', { includeFilters: false })).toBeNull();
  });

  it('adds author, category, year and has:code filters', () => {
    expect(compile('author:"Geoffrey Hinton"')).toBe('authors : ("geoffrey hinton")');
    expect(compile('cat:cs.LG cat:stat.ML cat:cs')).toBe('search_tags : ("catcslg" OR "catstatml" OR "archcs")');
    expect(compile('year:2024-2025')).toBe('search_tags : ("yr2024" OR "yr2025")');
    expect(compile('has:code')).toBe('search_tags : "hascode"');
    expect(compile('deep au:hinton au:"Yee-Whye Teh" has:code')).toBe(
      `${TEXT} : ("deep") AND authors : ("hinton") AND authors : ("yee whye teh") AND search_tags : "hascode"`,
    );
  });

  it('puts the filters on the positive side of an exclusion', () => {
    expect(compile('-survey cat:cs.CL')).toBe(`search_tags : ("catcscl") NOT ${TEXT} : ("survey")`);
    expect(compile('llm -survey year:2024')).toBe(`(${TEXT} : ("llm") AND search_tags : ("yr2024")) NOT ${TEXT} : ("survey")`);
  });

  it('leaves filters out when asked', () => {
    expect(compile('llm cat:cs.CL year:2024 has:code', { includeFilters: false })).toBe(`${TEXT} : ("llm")`);
  });

  it('expands after:/before: to the years they cover, clamped', () => {
    expect(compile('after:2024-06-01')).toBe('search_tags : ("yr2024" OR "yr2025" OR "yr2026" OR "yr2027")');
    expect(compile('before:1992-03')).toBe('search_tags : ("yr1990" OR "yr1991" OR "yr1992")');
    expect(compile('after:2020-02 before:2021-11-30')).toBe('search_tags : ("yr2020" OR "yr2021")');
    expect(compile('after:2090')).toBe('search_tags : ("yr2027")');
    // A range covering every indexed year narrows nothing; the SQL date bounds still apply.
    expect(compile('x after:1980')).toBe(`${TEXT} : ("x")`);
  });

  it('intersects year: with after:/before:', () => {
    expect(compile('year:2019-2024 after:2022-05')).toBe('search_tags : ("yr2022" OR "yr2023" OR "yr2024")');
    // Disjoint: the year list stays and the SQL bounds leave nothing, the right answer.
    expect(compile('year:2019 after:2022')).toBe('search_tags : ("yr2019")');
  });

  it('excludes the has-code tag for a hand-built hasCode: false', () => {
    const query: SearchQuery = { ...parseQuery('gan'), filters: { authors: [], categories: [], years: [], hasCode: false } };
    expect(compileFtsMatch(query, ALL)).toBe(`${TEXT} : ("gan") NOT search_tags : "hascode"`);
  });

  it('bounds the number of terms', () => {
    const query = parseQuery(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '), { maxTerms: 100 });
    expect(compileFtsMatch(query, ALL)!.match(/"w\d+"/g)).toHaveLength(32);
    expect(compileFtsMatch(query, { ...ALL, maxTerms: 5 })!.match(/"w\d+"/g)).toHaveLength(5);
  });
});

describe('dateBounds', () => {
  it('gives an inclusive start and an exclusive end as ISO timestamps', () => {
    expect(dateBounds(parseQuery('after:2025-01-01 before:2025-06-30'))).toEqual({ after: '2025-01-01T00:00:00.000Z', before: '2025-07-01T00:00:00.000Z' });
    expect(dateBounds(parseQuery('before:2024-02'))).toEqual({ before: '2024-03-01T00:00:00.000Z' });
    expect(dateBounds(parseQuery('before:2025'))).toEqual({ before: '2026-01-01T00:00:00.000Z' });
    expect(dateBounds(parseQuery('before:9999'))).toEqual({});
    expect(dateBounds(parseQuery('x'))).toEqual({});
  });
});

describe('residualDateBounds', () => {
  const residual = (q: string) => residualDateBounds(parseQuery(q), { currentYear: 2026 });
  it('drops a bound on a year edge, which the year tags already settle', () => {
    expect(residual('x after:2015-01-01')).toEqual({});
    expect(residual('x after:2015')).toEqual({});
    expect(residual('x before:2024')).toEqual({});
    expect(residual('x before:2024-12-31 after:2020')).toEqual({});
    // Before the earliest indexed year, with an end: the tags start later anyway.
    expect(residual('x after:1970-01-01 before:2000')).toEqual({});
  });

  it('keeps a bound inside a year', () => {
    expect(residual('x after:2015-03-01')).toEqual({ after: '2015-03-01T00:00:00.000Z' });
    expect(residual('x before:2024-06')).toEqual({ before: '2024-07-01T00:00:00.000Z' });
    expect(residual('x after:2024-01-01 before:2024-06-30')).toEqual({ before: '2024-07-01T00:00:00.000Z' });
  });

  it('keeps every bound when the tags do not narrow to the range', () => {
    // year: outside the range keeps its own tag; only SQL can then exclude everything.
    expect(residual('x year:2010 after:2015')).toEqual({ after: '2015-01-01T00:00:00.000Z' });
    // A bound so wide that no year tag is used.
    expect(residual('x after:1970-01-01')).toEqual({ after: '1970-01-01T00:00:00.000Z' });
    expect(residual('x after:2020 before:2010')).toEqual(dateBounds(parseQuery('x after:2020 before:2010')));
  });
});

// ---------------------------------------------------------------------------
// The real engine: the project's migrations, papers stored through the catalogue.

const paper = (arxivId: string, title: string, abstract: string, authors: string[], categories: string[], publishedAt: string, codeUrls: string[] = []): PaperRecord => ({
  source: 'arxiv-api',
  arxivId,
  title,
  abstract,
  authors,
  categories,
  publishedAt: `${publishedAt}T00:00:00.000Z`,
  codeUrls,
});

const PAPERS: PaperRecord[] = [
  paper('1706.03762', 'Attention Is All You Need', 'The dominant sequence transduction models are based on complex recurrent or convolutional neural networks.', ['Ashish Vaswani', 'Noam Shazeer'], ['cs.CL', 'cs.LG'], '2017-06-12', ['https://github.com/tensorflow/tensor2tensor']),
  paper('1512.03385', 'Deep Residual Learning for Image Recognition', 'Deeper neural networks are more difficult to train.', ['Kaiming He', 'Xiangyu Zhang'], ['cs.CV'], '2015-12-10'),
  paper('0601.00001', 'A Fast Learning Algorithm for Deep Belief Nets', 'We show how to use complementary priors to eliminate the explaining-away effects.', ['Geoffrey E. Hinton', 'Simon Osindero', 'Yee-Whye Teh'], ['stat.ML'], '2006-07-01'),
  paper('2105.05233', 'Diffusion Models Beat GANs on Image Synthesis', 'We show that diffusion models can achieve image sample quality superior to generative models.', ['Prafulla Dhariwal', 'Alex Nichol'], ['cs.LG', 'stat.ML'], '2021-05-11', ['https://github.com/openai/guided-diffusion']),
  paper('2503.00001', 'Why Attention Is Not Enough: A Survey of Efficient Transformers', 'We survey transformers that scale attention to long sequences.', ['Ada Lovelace', 'Geoffrey Hinton'], ['cs.CL'], '2025-03-15', ['https://github.com/example/efficient']),
  paper('2508.00001', 'Vision Transformers for Dense Prediction', 'Transformers replace convolutional networks for dense prediction.', ['René Ranftl'], ['cs.CV'], '2025-08-01'),
];

let dir: string;
let handle: DatabaseHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-fts-'));
  handle = await openDatabase(join(dir, 'test.db'));
  await migrate(handle);
  await applyRecords(handle.db, PAPERS, '2026-01-01T00:00:00.000Z');
});

afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The arXiv ids a query finds, sorted, with the exact date bounds applied as the caller does. */
function search(input: string, opts: Partial<CompileOptions> = {}, bounds = dateBounds): string[] {
  const query = parseQuery(input);
  const match = compileFtsMatch(query, { ...ALL, ...opts });
  if (match === null) throw new Error(`no match for ${input}`);
  const { after, before } = bounds(query);
  const rows = handle.sqlite!.prepare(
    `SELECT p.arxiv_id AS id FROM papers_fts f JOIN papers p ON p.seq = f.rowid
     WHERE papers_fts MATCH @match AND (@after IS NULL OR p.published_at >= @after) AND (@before IS NULL OR p.published_at < @before)
     ORDER BY f.rank LIMIT 10`,
  ).all({ match, after: after ?? null, before: before ?? null }) as Array<{ id: string }>;
  return rows.map((r) => r.id).sort();
}

describe('compiled queries on the real FTS5 index', () => {
  it('matches words, stemmed, and phrases', () => {
    expect(search('transformer')).toEqual(['2503.00001', '2508.00001']);
    expect(search('"neural networks"')).toEqual(['1512.03385', '1706.03762']);
    expect(search('"networks neural"')).toEqual([]);
    expect(search('attention', { mode: 'any' })).toEqual(['1706.03762', '2503.00001']);
  });

  it('applies exclusions', () => {
    expect(search('transformers -survey')).toEqual(['2508.00001']);
    expect(search('attention -"efficient transformers"')).toEqual(['1706.03762']);
  });

  it('finds keywords as words', () => {
    expect(search('NOT enough')).toEqual(['2503.00001']);
  });

  it('filters by author, category, archive, year, code and date', () => {
    expect(search('author:hinton')).toEqual(['0601.00001', '2503.00001']);
    expect(search('au:"Yee-Whye Teh"')).toEqual(['0601.00001']);
    expect(search('author:rene')).toEqual(['2508.00001']);
    expect(search('cat:cs.CV')).toEqual(['1512.03385', '2508.00001']);
    expect(search('cat:stat')).toEqual(['0601.00001', '2105.05233']);
    expect(search('networks cat:cs.CL cat:cs.CV')).toEqual(['1512.03385', '1706.03762', '2508.00001']);
    expect(search('year:2017')).toEqual(['1706.03762']);
    expect(search('has:code')).toEqual(['1706.03762', '2105.05233', '2503.00001']);
    expect(search('after:2025-01-01')).toEqual(['2503.00001', '2508.00001']);
    expect(search('after:2025-03-16')).toEqual(['2508.00001']);
    expect(search('transformers before:2025-03')).toEqual(['2503.00001']);
    expect(search('image after:2020 has:code -gans')).toEqual([]);
  });

  it.each([
    'after:2015-01-01', 'after:2025-01-01', 'after:2025-03-16', 'after:2021', 'before:2017', 'before:2021-05-11', 'after:2006 before:2017-06-12',
    'after:2015-12-10 before:2021-12-31', 'year:2017 after:2015', 'year:2006 after:2015', 'after:2030', 'before:1995',
  ])('finds the same papers for %s with the year tags settling the year-edge bounds', (q) => {
    const residual = (query: SearchQuery) => residualDateBounds(query, { currentYear: 2026 });
    expect(search(q, {}, residual)).toEqual(search(q));
  });

  it('uses expansions', () => {
    expect(search('atention', { expansions: new Map([['atention', ['attention']]]) })).toEqual(['1706.03762', '2503.00001']);
  });

  it('keeps free text out of the filter tokens', () => {
    expect(search('catcslg hascode yr2017')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Fuzz: hostile input must parse, compile and run without an FTS5 error.

const PIECES = [
  '"', '""', "'", ':', '-', '--', '+', '*', '^', '(', ')', '{', '}', '[', ']', ',', '.', '\\', '/', '|', '&', '%', '$',
  'AND', 'OR', 'NOT', 'NEAR', 'NEAR(', 'NEAR/2', 'and', 'not', ' ', '  ', '\t', '\n', '\r\n',
  '\0', '\x01', '\x1f', '\x7f', '\u0085', '\u00a0', '\u2028', '\ufeff', '\u200b', '\uD800', '\uDFFF', '\uDBFF\uD800',
  '😀', '👩‍🔬', '🇫🇷', 'é', 'e\u0301', 'ß', 'İ', 'ﬁ', '中文', 'العربية', '𞤀', 'Ⅻ', '①', '—', '…',
  'author:', 'au:', 'AUTHOR:', 'cat:', 'category:', 'year:', 'after:', 'before:', 'has:', 'sort:', 'foo:', 'title:', 'search_tags:', 'rank:', 'rowid:',
  'cs.LG', 'cs', 'stat.ML', '2024', '2020-2023', '1000-9999', '2025-13-45', '2025-02', '9999-12-31', '0000', 'code', 'newest', 'trending',
  'attention', 'neural', 'networks', 'transformers', 'hinton', 'catcslg', 'yr2025', 'hascode', '{title abstract}', 'papers_fts',
];

function hostileString(rand: () => number, maxChars: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  let out = '';
  const target = Math.floor(rand() * maxChars);
  while (out.length < target) {
    const r = rand();
    if (r < 0.7) out += pick(PIECES);
    else if (r < 0.85) out += String.fromCharCode(Math.floor(rand() * 0x10000)); // any UTF-16 unit, lone surrogates included
    else if (r < 0.95) out += String.fromCodePoint(Math.floor(rand() * 0x110000)).replace(/[\uD800-\uDFFF]/g, 'x');
    else out += pick(PIECES).repeat(1 + Math.floor(rand() * 50));
  }
  return out;
}

function hostileOptions(rand: () => number): CompileOptions {
  const opts: CompileOptions = { mode: rand() < 0.5 ? 'all' : 'any', includeFilters: rand() < 0.8 };
  if (rand() < 0.3) opts.columns = (['title', 'abstract', 'authors'] as const).filter(() => rand() < 0.5);
  if (rand() < 0.4) {
    const alternatives = Array.from({ length: Math.floor(rand() * 30) }, () => hostileString(rand, 12));
    opts.expansions = new Map([[tokenize(hostileString(rand, 10))[0] ?? 'attention', alternatives], ['attention', alternatives]]);
  }
  return opts;
}

describe('fuzz', () => {
  it('parses, compiles and runs 3,000 hostile queries without an error', () => {
    const rand = prng(0x5eed);
    const statement = handle.sqlite!.prepare('SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT 10');
    const started = Date.now();
    let compiled = 0;
    for (let i = 0; i < 3000; i++) {
      // Mostly short queries; every tenth is up to 10 KB, half of them parsed whole.
      const long = i % 10 === 0;
      const input = hostileString(rand, long ? 10_000 : 200);
      const query = long && rand() < 0.5 ? parseQuery(input, { maxLength: 20_000, maxTerms: 500 }) : parseQuery(input);
      expect(query.terms.every((t) => tokenize(t.text).length > 0)).toBe(true);
      const match = compileFtsMatch(query, hostileOptions(rand));
      const context = `input #${i}: ${JSON.stringify(input.slice(0, 300))}\nmatch: ${match?.slice(0, 300)}`;
      if (match !== null) {
        compiled++;
        expect(() => statement.all(match), context).not.toThrow();
      }
      expect(() => statement.all(quoteFtsString(input)), context).not.toThrow();
    }
    expect(compiled).toBeGreaterThan(2000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
