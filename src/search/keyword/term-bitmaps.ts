/**
 * The catalogue's common match tokens as bitsets of the papers holding them,
 * kept in memory beside FTS5 for the query FTS5 is slowest at: several
 * common words whose intersection is small. FTS5 then walks every posting
 * of every word (at a million papers, 5 words each in a quarter of the
 * papers: over a million postings, ~30 ms); their bitsets intersect in a
 * fraction of a millisecond.
 *
 * A token's set is what FTS5 itself matched for it, over the papers up to
 * `throughSeq`. A paper whose text changed (or that was deleted) since its
 * bits were read is in `changed`, and its bits are not trusted: the caller
 * checks such papers, and papers newer than `throughSeq`, in FTS5.
 */
import { addSeq, countSeqs, emptyBitset, grownBitset, type SeqBitset } from './seq-bitset.js';
import type { MatchToken } from '../query/token-match.js';

const TAG_PREFIX = 'tags:';

/** The key of a filter tag's set; a word's set is found through `keyFor` (words of one stem share it). */
export function tagKey(tag: string): string {
  return TAG_PREFIX + tag;
}

export class TermBitmaps {
  /** Each set with the FTS5 expression it was read with (and is extended with). */
  private readonly sets = new Map<string, { set: SeqBitset; expression: string }>();
  /** Word → key of its set: every word FTS5 reduces to one stem shares that stem's set. */
  private readonly words = new Map<string, string>();
  private changed: SeqBitset;

  /**
   * @param throughSeq seqs up to this are in the sets
   * @param changesThrough the change log entry up to which changed papers are in `changed`
   */
  constructor(
    public throughSeq: number,
    public changesThrough: number,
  ) {
    this.changed = emptyBitset(throughSeq);
  }

  get size(): number {
    return this.sets.size;
  }

  get bytes(): number {
    let n = this.changed.byteLength;
    for (const { set } of this.sets.values()) n += set.byteLength;
    return n;
  }

  has(key: string): boolean {
    return this.sets.has(key);
  }

  keys(): IterableIterator<string> {
    return this.sets.keys();
  }

  /** The filter tags with a set. */
  keptTags(): string[] {
    return [...this.sets.keys()].filter((key) => key.startsWith(TAG_PREFIX)).map((key) => key.slice(TAG_PREFIX.length));
  }

  /** Moves the sets' reach up to `seq` (the seqs in between are added by `add`). */
  extendTo(seq: number): void {
    this.throughSeq = Math.max(this.throughSeq, seq);
  }

  /** Adds seqs up to throughSeq to a set (creating it, read with `expression`). */
  add(key: string, expression: string, seqs: Iterable<number>): void {
    let entry = this.sets.get(key);
    if (!entry) this.sets.set(key, (entry = { set: emptyBitset(this.throughSeq), expression }));
    const set = (entry.set = grownBitset(entry.set, this.throughSeq));
    for (const seq of seqs) if (seq <= this.throughSeq) addSeq(set, seq);
  }

  expressionOf(key: string): string | undefined {
    return this.sets.get(key)?.expression;
  }

  /** Says that a word's papers are a set's (FTS5 reduces the word to the stem the set was read for). */
  addWord(word: string, key: string): void {
    this.words.set(word, key);
  }

  /** The key of a token's set, when one is kept. */
  keyFor(token: MatchToken): string | undefined {
    const key = token.column === 'tags' ? tagKey(token.token) : this.words.get(token.token);
    return key !== undefined && this.sets.has(key) ? key : undefined;
  }

  /** Marks papers whose text changed after their bits were read. */
  markChanged(seqs: Iterable<number>, changesThrough: number): void {
    for (const seq of seqs) {
      this.changed = grownBitset(this.changed, seq);
      addSeq(this.changed, seq);
    }
    this.changesThrough = Math.max(this.changesThrough, changesThrough);
  }

  get changedCount(): number {
    return countSeqs(this.changed);
  }

  /** A token's set, when kept. */
  setOf(key: string): SeqBitset | undefined {
    return this.sets.get(key)?.set;
  }

  /** Papers whose bits are not to be trusted (changed or deleted since they were read). */
  get changedSet(): SeqBitset {
    return this.changed;
  }

  /** Changed papers at or below throughSeq, highest first. */
  changedSeqs(): number[] {
    const out: number[] = [];
    for (let i = Math.min(this.changed.length - 1, this.throughSeq >>> 5); i >= 0; i--) {
      let word = this.changed[i]!;
      while (word !== 0) {
        const bit = 31 - Math.clz32(word);
        if (i * 32 + bit <= this.throughSeq) out.push(i * 32 + bit);
        word &= ~(1 << bit);
      }
    }
    return out;
  }
}
