/**
 * Sets of paper seqs as plain bitsets (one bit per seq, 125 KB per million
 * papers). Intersecting two of them costs a few tens of microseconds however
 * many papers they hold, where walking two posting lists of common words in
 * FTS5 costs tens of milliseconds at a million papers (term-bitmaps.ts).
 */

export type SeqBitset = Uint32Array;

/** An empty set able to hold seqs 0..maxSeq. */
export function emptyBitset(maxSeq: number): SeqBitset {
  return new Uint32Array((Math.max(0, maxSeq) >>> 5) + 1);
}

/** The set grown to hold seqs up to maxSeq (itself when it already can), with headroom for later growth. */
export function grownBitset(set: SeqBitset, maxSeq: number): SeqBitset {
  const needed = (maxSeq >>> 5) + 1;
  if (needed <= set.length) return set;
  const grown = new Uint32Array(needed + (needed >>> 3));
  grown.set(set);
  return grown;
}

export function addSeq(set: SeqBitset, seq: number): void {
  set[seq >>> 5]! |= 1 << (seq & 31);
}

export function hasSeq(set: SeqBitset, seq: number): boolean {
  const word = seq >>> 5;
  return word < set.length && (set[word]! & (1 << (seq & 31))) !== 0;
}

export function countSeqs(set: SeqBitset): number {
  let n = 0;
  for (let i = 0; i < set.length; i++) {
    let x = set[i]!;
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    n += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}

/**
 * A combination of sets: the AND of `all` (each an OR of sets), without the
 * seqs in any set of `none`.
 */
export interface SetFormula {
  all: ReadonlyArray<ReadonlyArray<SeqBitset>>;
  none: ReadonlyArray<SeqBitset>;
}

/** The formula's word of seqs [32·i, 32·i+31]. */
function formulaWord(formula: SetFormula, i: number): number {
  let word = -1;
  for (const alternatives of formula.all) {
    let any = 0;
    for (const set of alternatives) any |= i < set.length ? set[i]! : 0;
    word &= any;
    if (word === 0) return 0;
  }
  for (const set of formula.none) if (i < set.length) word &= ~set[i]!;
  return word;
}

/**
 * Up to `limit` seqs at or below `maxSeq` in the formula's set, highest first,
 * evaluated a word at a time from the top so that a dense set costs only the
 * words it takes to fill the limit.
 */
export function highestSeqs(formula: SetFormula, maxSeq: number, limit: number): number[] {
  const out: number[] = [];
  if (maxSeq < 0 || limit <= 0) return out;
  const top = maxSeq >>> 5;
  for (let i = top; i >= 0; i--) {
    let word = formulaWord(formula, i);
    if (i === top && (maxSeq & 31) !== 31) word &= (2 ** ((maxSeq & 31) + 1) - 1) | 0;
    while (word !== 0) {
      const bit = 31 - Math.clz32(word);
      out.push(i * 32 + bit);
      if (out.length >= limit) return out;
      word &= ~(1 << bit);
    }
  }
  return out;
}
