import { describe, expect, it } from 'vitest';
import { fuseScores, keywordWeight, PARTIAL_KEYWORD_WEIGHT, STRICT_KEYWORD_WEIGHT, type FusionInput } from './fusion.js';

const hits = (...pairs: Array<[number, number]>) => pairs.map(([seq, score]) => ({ seq, score }));
const order = (input: FusionInput) => fuseScores(input).map((h) => h.seq);

describe('fuseScores', () => {
  it('keeps the keyword order when there is no meaning to add, and the semantic order when there are no keyword hits', () => {
    expect(order({ keyword: { hits: hits([1, 9], [2, 5], [3, 5], [4, 1]), strictCount: 4 }, neighbours: [], similarity: new Map() })).toEqual([1, 2, 3, 4]);
    expect(order({ neighbours: hits([7, 0.9], [8, 0.5]), similarity: new Map() })).toEqual([7, 8]);
  });

  it('weighs keywords by how much of the query they matched', () => {
    const meaning = { neighbours: hits([9, 0.5]), similarity: new Map() };
    expect(keywordWeight({ keyword: { hits: hits([1, 5]), strictCount: 1 }, ...meaning })).toBe(STRICT_KEYWORD_WEIGHT);
    expect(keywordWeight({ keyword: { hits: hits([1, 5]), strictCount: 0 }, ...meaning })).toBe(PARTIAL_KEYWORD_WEIGHT);
    expect(keywordWeight({ keyword: { hits: [], strictCount: 0 }, ...meaning })).toBe(0);
  });

  it('lets meaning reorder keyword matches of comparable strength, using the similarity of every keyword candidate', () => {
    const input: FusionInput = {
      keyword: { hits: hits([1, 10], [2, 9.9], [3, 4]), strictCount: 3 },
      neighbours: hits([2, 0.8]),
      // Paper 1 is not among the neighbours, but its similarity is known and counts.
      similarity: new Map([[1, 0.2], [2, 0.8], [3, 0.7]]),
    };
    expect(order(input)).toEqual([2, 1, 3]);
    expect(fuseScores(input).find((h) => h.seq === 1)!.matchedBy).toEqual(['keyword']);
    expect(fuseScores(input).find((h) => h.seq === 2)!.matchedBy).toEqual(['keyword', 'semantic']);
  });

  it('fills in with meaning after strong keyword matches, but lets it lead when only some words matched', () => {
    const neighbours = hits([9, 0.9]);
    const similarity = new Map([[1, 0.2], [2, 0.3]]);
    expect(order({ keyword: { hits: hits([1, 10], [2, 8]), strictCount: 2 }, neighbours, similarity })).toEqual([1, 2, 9]);
    expect(order({ keyword: { hits: hits([1, 10], [2, 8]), strictCount: 0 }, neighbours, similarity })[0]).toBe(9);
  });

  it('never lets meaning lift a paper over one with every query word in its title', () => {
    const input: FusionInput = {
      keyword: { hits: hits([1, 6], [2, 10]), strictCount: 2 },
      neighbours: hits([2, 0.9], [9, 0.95]),
      similarity: new Map([[1, 0.1], [2, 0.9]]),
      titleMatches: new Set([1]),
    };
    expect(order(input)).toEqual([1, 2, 9]);
    expect(Math.max(...fuseScores(input).map((h) => h.score))).toBeLessThan(2);
  });
});
