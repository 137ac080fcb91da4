import { describe, expect, it } from 'vitest';
import { createRandom } from '../semantic/linalg.js';
import { addSeq, countSeqs, emptyBitset, grownBitset, hasSeq, highestSeqs, type SeqBitset } from './seq-bitset.js';

function setOf(seqs: Iterable<number>, maxSeq: number): SeqBitset {
  const set = emptyBitset(maxSeq);
  for (const seq of seqs) addSeq(set, seq);
  return set;
}

describe('seq bitsets', () => {
  it('holds, counts and grows', () => {
    let set = setOf([0, 1, 31, 32, 63, 64, 1000], 1000);
    expect([0, 1, 31, 32, 63, 64, 1000].every((s) => hasSeq(set, s))).toBe(true);
    expect(hasSeq(set, 2) || hasSeq(set, 999) || hasSeq(set, 5000)).toBe(false);
    expect(countSeqs(set)).toBe(7);
    set = grownBitset(set, 5000);
    addSeq(set, 5000);
    expect(hasSeq(set, 5000) && hasSeq(set, 1000)).toBe(true);
    expect(countSeqs(set)).toBe(8);
  });

  it('lists a formula of sets highest first, as the same formula over plain sets does', () => {
    const random = createRandom(7);
    for (let round = 0; round < 200; round++) {
      const maxSeq = 1 + Math.floor(random() * 3000);
      const density = random();
      const plain = Array.from({ length: 6 }, () => new Set(Array.from({ length: maxSeq + 1 }, (_, s) => s).filter(() => random() < density)));
      const sets = plain.map((p) => setOf(p, maxSeq));
      // (s0 OR s1) AND s3 AND NOT (s4 OR s5); read below a cut.
      const formula = { all: [[sets[0]!, sets[1]!], [sets[3]!]], none: [sets[4]!, sets[5]!] };
      const cut = Math.floor(random() * (maxSeq + 1));
      const limit = 1 + Math.floor(random() * 400);
      const expected: number[] = [];
      for (let s = cut; s >= 0 && expected.length < limit; s--) {
        if ((plain[0]!.has(s) || plain[1]!.has(s)) && plain[3]!.has(s) && !plain[4]!.has(s) && !plain[5]!.has(s)) expected.push(s);
      }
      expect(highestSeqs(formula, cut, limit)).toEqual(expected);
    }
  });

  it('reads nothing for an empty limit or range', () => {
    const set = setOf([1, 2, 3], 10);
    const formula = { all: [[set]], none: [] };
    expect(highestSeqs(formula, 10, 0)).toEqual([]);
    expect(highestSeqs(formula, -1, 5)).toEqual([]);
    expect(highestSeqs(formula, 31, 5)).toEqual([3, 2, 1]);
    expect(highestSeqs(formula, 2, 5)).toEqual([2, 1]);
  });
});
