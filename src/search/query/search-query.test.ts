import { describe, expect, it } from 'vitest';
import { parseDateBound, parseQuery, type QueryTerm } from './search-query.js';

const word = (text: string, negated = false): QueryTerm => ({ kind: 'word', text, negated });
const phrase = (text: string, negated = false): QueryTerm => ({ kind: 'phrase', text, negated });
const noFilters = { authors: [], categories: [], years: [] };

describe('parseQuery: terms', () => {
  it('reads plain words, keeping them as typed', () => {
    expect(parseQuery('  Diffusion   Models ')).toEqual({ raw: '  Diffusion   Models ', terms: [word('Diffusion'), word('Models')], filters: noFilters, warnings: [] });
  });

  it('gives no terms for empty or whitespace-only input', () => {
    for (const input of ['', '   ', '\t\n', '\0\x01']) expect(parseQuery(input)).toMatchObject({ terms: [], filters: noFilters, warnings: [] });
  });

  it('reads quoted phrases, trimmed, next to words', () => {
    expect(parseQuery('"  large language models " survey').terms).toEqual([phrase('large language models'), word('survey')]);
    // A quote inside a run ends the word and opens a phrase.
    expect(parseQuery('scaling"laws of"x').terms).toEqual([word('scaling'), phrase('laws of'), word('x')]);
  });

  it('runs an unbalanced phrase to the end, with a warning', () => {
    const q = parseQuery('graph "neural networks for molecules');
    expect(q.terms).toEqual([word('graph'), phrase('neural networks for molecules')]);
    expect(q.warnings).toEqual(['unbalanced quote: the phrase runs to the end of the query']);
  });

  it('reads exclusions of words and phrases', () => {
    expect(parseQuery('transformers -survey -"vision transformer"').terms).toEqual([
      word('transformers'),
      word('survey', true),
      phrase('vision transformer', true),
    ]);
  });

  it('keeps hyphens inside words and ignores a lone dash', () => {
    expect(parseQuery('state-of-the-art - x').terms).toEqual([word('state-of-the-art'), word('x')]);
  });

  it('treats uppercase AND / OR / NOT / NEAR as ordinary words', () => {
    expect(parseQuery('cats AND dogs OR NOT NEAR').terms.map((t) => t.text)).toEqual(['cats', 'AND', 'dogs', 'OR', 'NOT', 'NEAR']);
  });

  it('treats an unknown field as a plain word', () => {
    expect(parseQuery('foo:bar arXiv:2401.01234 title:attention')).toMatchObject({
      terms: [word('foo:bar'), word('arXiv:2401.01234'), word('title:attention')],
      filters: noFilters,
      warnings: [],
    });
  });

  it('drops terms with nothing searchable in them', () => {
    expect(parseQuery('— 😀 "" -"…" *** ok').terms).toEqual([word('ok')]);
  });

  it('keeps FTS5 syntax characters as text', () => {
    expect(parseQuery('NEAR(a b) c* ^d {title}:x').terms.map((t) => t.text)).toEqual(['NEAR(a', 'b)', 'c*', '^d', '{title}:x']);
  });
});

describe('parseQuery: filters', () => {
  it('reads authors, bare or quoted, under author: and au:', () => {
    expect(parseQuery('author:hinton au:"Yann LeCun" AUTHOR:"  Bengio "').filters.authors).toEqual(['hinton', 'Yann LeCun', 'Bengio']);
  });

  it('reads categories and archives under cat: and category:, without duplicates', () => {
    expect(parseQuery('cat:cs.LG Category:stat.ML cat:cs cat:cond-mat.str-el cat:CS.lg').filters.categories).toEqual(['cs.LG', 'stat.ML', 'cs', 'cond-mat.str-el']);
  });

  it('reads years and expands ranges, in either order', () => {
    expect(parseQuery('year:2024 year:2020-2022 year:2023-2021').filters.years).toEqual([2024, 2020, 2021, 2022, 2023]);
  });

  it('bounds a year range to 60 years', () => {
    const q = parseQuery('year:1900-2025');
    expect(q.filters.years).toHaveLength(60);
    expect(q.filters.years[0]).toBe(1966);
    expect(q.warnings).toEqual(['year range 1900-2025 limited to its last 60 years']);
  });

  it('reads after: and before: dates at day, month and year precision', () => {
    expect(parseQuery('after:2025-01-01 before:2025-06-30').filters).toMatchObject({ after: '2025-01-01', before: '2025-06-30' });
    expect(parseQuery('after:2025 before:2025').filters).toMatchObject({ after: '2025-01-01', before: '2025-12-31' });
    expect(parseQuery('after:2024-02 before:2024-02').filters).toMatchObject({ after: '2024-02-01', before: '2024-02-29' });
  });

  it('keeps the narrowest of repeated date bounds', () => {
    expect(parseQuery('after:2020 after:2022-05 before:2025 before:2024').filters).toMatchObject({ after: '2022-05-01', before: '2024-12-31' });
  });

  it('reads has:code and sort:, case-insensitively', () => {
    expect(parseQuery('HAS:Code sort:Newest')).toMatchObject({ filters: { hasCode: true }, sort: 'newest', terms: [] });
    expect(parseQuery('sort:trending sort:relevance').sort).toBe('relevance');
  });

  it('combines everything', () => {
    const q = parseQuery('diffusion "image synthesis" -gan au:dhariwal cat:cs.LG year:2021 after:2021-03 has:code sort:trending');
    expect(q).toEqual({
      raw: q.raw,
      terms: [word('diffusion'), phrase('image synthesis'), word('gan', true)],
      filters: { authors: ['dhariwal'], categories: ['cs.LG'], years: [2021], after: '2021-03-01', hasCode: true },
      sort: 'trending',
      warnings: [],
    });
  });
});

describe('parseQuery: warnings', () => {
  it('ignores invalid values with a warning naming them', () => {
    const q = parseQuery('after:2025-13-45 before:2025-02-30 year:abc year:20245 cat:"cs LG" has:pdf sort:oldest author:"—" x');
    expect(q.terms).toEqual([word('x')]);
    expect(q.filters).toEqual(noFilters);
    expect(q.sort).toBeUndefined();
    expect(q.warnings).toEqual([
      'ignored invalid date in after:2025-13-45',
      'ignored invalid date in before:2025-02-30',
      'ignored invalid year in year:abc (use year:2024 or year:2020-2023)',
      'ignored invalid year in year:20245 (use year:2024 or year:2020-2023)',
      'ignored invalid category in cat:cs LG',
      'ignored unknown has:pdf (only has:code is known)',
      'ignored unknown sort:oldest (use relevance, newest or trending)',
      'ignored author:—: no name in it',
    ]);
  });

  it('ignores a field without a value and an excluded filter', () => {
    const q = parseQuery('author: hinton -cat:cs.CV');
    expect(q.terms).toEqual([word('hinton')]);
    expect(q.filters).toEqual(noFilters);
    expect(q.warnings).toEqual(['ignored author: without a value', 'ignored -cat:cs.CV: filters cannot be excluded']);
  });

  it('warns when after: is later than before:', () => {
    expect(parseQuery('after:2025 before:2024').warnings).toEqual(['after:2025-01-01 is later than before:2024-12-31, so nothing can match']);
  });

  it('cuts long input, without splitting a surrogate pair', () => {
    const q = parseQuery(`${'a'.repeat(9)}😀 tail`, { maxLength: 10 });
    expect(q.raw).toBe('a'.repeat(9));
    expect(q.warnings).toEqual(['query cut to its first 10 characters']);
    expect(parseQuery('x '.repeat(5000)).raw).toHaveLength(1000);
  });

  it('keeps only the first maxTerms terms', () => {
    const q = parseQuery('a b c d e', { maxTerms: 3 });
    expect(q.terms.map((t) => t.text)).toEqual(['a', 'b', 'c']);
    expect(q.warnings).toEqual(['only the first 3 search terms are used']);
    expect(parseQuery(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ')).terms).toHaveLength(32);
  });

  it('bounds the filter lists too', () => {
    const q = parseQuery('cat:a cat:b cat:c', { maxTerms: 2 });
    expect(q.filters.categories).toEqual(['a', 'b']);
    expect(q.warnings).toEqual(['only the first 2 category filters are used']);
  });

  it('clips long values quoted in warnings', () => {
    expect(parseQuery(`has:${'x'.repeat(100)}`).warnings[0]).toBe(`ignored unknown has:${'x'.repeat(40)}… (only has:code is known)`);
  });
});

describe('parseDateBound', () => {
  it('expands partial dates to the start or end of their period', () => {
    expect(parseDateBound('2024', 'start')).toBe('2024-01-01');
    expect(parseDateBound('2024', 'end')).toBe('2024-12-31');
    expect(parseDateBound('2023-2', 'end')).toBe('2023-02-28');
    expect(parseDateBound('2000-02', 'end')).toBe('2000-02-29');
    expect(parseDateBound('1900-02', 'end')).toBe('1900-02-28');
  });

  it('rejects impossible dates', () => {
    for (const bad of ['2025-00', '2025-13', '2025-04-31', '2025-1-1-1', '25', '2025/01/01', '']) expect(parseDateBound(bad, 'start')).toBeUndefined();
  });
});
