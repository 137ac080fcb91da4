import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_CORPUS_PATH } from '../../config/paths.js';
import { stem, tokenize } from '../text/tokenize.js';
import { excludedStems, mentionsExcluded } from './excluded-words.js';
import { parseQuery } from './search-query.js';

const excludedBy = (q: string) => excludedStems(parseQuery(q));

describe('excluded words checked on text', () => {
  it('stems as FTS5 does: an excluded plural excludes the singular, and accents fold', () => {
    expect(mentionsExcluded(['We release a benchmark.'], excludedBy('llm -benchmarks'))).toBe(true);
    expect(mentionsExcluded(['Über die Schrödinger-Gleichung'], excludedBy('-schrodinger'))).toBe(true);
    expect(mentionsExcluded(['Benchmarking is not the point'], excludedBy('-graph'))).toBe(false);
  });

  it('needs a phrase in a row, in any field', () => {
    const excluded = excludedBy('-"neural network"');
    expect(mentionsExcluded(['A title', 'a neural network for graphs'], excluded)).toBe(true);
    expect(mentionsExcluded(['network of neural cells'], excluded)).toBe(false);
    expect(mentionsExcluded([null, 'Neural Networks'], excluded)).toBe(true);
  });

  it('excludes nothing when the query excludes nothing searchable', () => {
    expect(excludedBy('transformers')).toEqual([]);
    expect(excludedBy('transformers -😀')).toEqual([]);
    expect(mentionsExcluded(['anything'], [])).toBe(false);
  });
});

describe('the prefix check before tokenizing', () => {
  it('never misses a word whose stem Porter rewrote at the end', () => {
    // Each pair: an excluded word, and a text with another word of the same stem.
    const pairs: Array<[string, string]> = [
      ['probability', 'probabilities'], ['happy', 'happiness'], ['relational', 'relate'], ['generalization', 'generalize'],
      ['hopping', 'hop'], ['agreed', 'agree'], ['sensitivity', 'sensitive'], ['electrical', 'electric'], ['conditional', 'condition'],
      ['digitizer', 'digitize'], ['hopefulness', 'hopeful'], ['formality', 'formal'], ['operator', 'operate'], ['feudalism', 'feudal'],
    ];
    for (const [word, text] of pairs) expect(mentionsExcluded([`A study of ${text} here`], excludedBy(`-${word}`)), `${word} / ${text}`).toBe(true);
  });

  it('finds every word of the demo corpus when that very word is excluded', () => {
    const words = new Set(tokenize(readFileSync(DEMO_CORPUS_PATH, 'utf8')));
    expect(words.size).toBeGreaterThan(3000);
    const missed = [...words].filter((word) => !mentionsExcluded([`x ${word} y`], [[stem(word)]]));
    expect(missed).toEqual([]);
  });
});
