import { describe, expect, it } from 'vitest';
import { normalizeDoi, parseArxivId, titleKey } from './identifiers.js';
import { extractCodeUrls } from './code-links.js';
import { InvalidDateError, parseSourceDate } from './dates.js';

describe('parseArxivId', () => {
  it.each([
    ['2401.01234v2', { id: '2401.01234', version: 2 }],
    ['http://arxiv.org/abs/cond-mat/0412498v1', { id: 'cond-mat/0412498', version: 1 }],
    ['oai:arXiv.org:1401.2122', { id: '1401.2122' }],
    ['https://arxiv.org/pdf/2609.26811v1.pdf', { id: '2609.26811', version: 1 }],
    ['arXiv:0704.0001', { id: '0704.0001' }],
    ['math.GT/0309136', { id: 'math.GT/0309136' }],
  ])('%s', (raw, expected) => {
    expect(parseArxivId(raw)).toEqual(expected);
  });

  it('rejects non-ids', () => {
    expect(parseArxivId('abc')).toBeNull();
    expect(parseArxivId('https://arxiv.org/api/errors#incorrect_id_format_for_abc')).toBeNull();
    expect(parseArxivId('')).toBeNull();
  });
});

describe('normalizeDoi', () => {
  it('lower-cases and strips resolvers', () => {
    expect(normalizeDoi('https://doi.org/10.1103/PhysRevD.76.013009')).toBe('10.1103/physrevd.76.013009');
    expect(normalizeDoi('doi:10.1000/XYZ')).toBe('10.1000/xyz');
    expect(normalizeDoi('not a doi')).toBeUndefined();
  });
});

describe('titleKey', () => {
  it('ignores case, accents, TeX and punctuation', () => {
    expect(titleKey('Calculation of prompt diphoton\n  production')).toBe(titleKey('calculation of Prompt Diphoton Production.'));
    expect(titleKey('Café: a Study')).toBe('cafe a study');
    expect(titleKey('u-μP: The Unit-Scaled')).toBe('u μp the unit scaled');
  });
});

describe('extractCodeUrls', () => {
  it('normalises GitHub links and drops duplicates', () => {
    const text = 'Code is available at: https://github.com/KaimingHe/resnet-1k-layers. See also github.com/kaiminghe/Resnet-1k-layers.git.';
    expect(extractCodeUrls(text)).toEqual(['https://github.com/kaiminghe/resnet-1k-layers']);
  });
  it('keeps Hugging Face repos and GitLab', () => {
    expect(extractCodeUrls('models at https://huggingface.co/Qwen/Qwen2-7B and https://gitlab.com/a/b')).toEqual([
      'https://huggingface.co/Qwen/Qwen2-7B',
      'https://gitlab.com/a/b',
    ]);
    expect(extractCodeUrls('demo https://huggingface.co/spaces/foo/bar')).toEqual(['https://huggingface.co/spaces/foo/bar']);
  });
});

describe('parseSourceDate', () => {
  it('parses the forms our sources use', () => {
    expect(parseSourceDate('Mon, 2 Apr 2007 19:18:42 GMT')).toBe('2007-04-02T19:18:42.000Z');
    expect(parseSourceDate('2016-10-09')).toBe('2016-10-09T00:00:00.000Z');
    expect(parseSourceDate('2026-07-28T00:00:00.000Z')).toBe('2026-07-28T00:00:00.000Z');
    expect(parseSourceDate(undefined)).toBeUndefined();
  });
  it('rejects garbage', () => {
    expect(() => parseSourceDate('yesterday')).toThrow(InvalidDateError);
    expect(() => parseSourceDate('2024-02-31')).toThrow(InvalidDateError);
  });
});
