/**
 * The text side of the synthetic corpus: a word trigram Markov chain (with
 * bigram back-off) learned at run time from real abstracts and titles (see
 * synthetic-sources.ts), and their empirical length distributions.
 */
import type { RealText } from './synthetic-sources.js';

export type Random = () => number;

/** sfc32 seeded through splitmix32: fast, deterministic, good enough for sampling. */
export function createRandom(seed: number): Random {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

const SENTENCE_END = /[.?!]$/;
const NOT_AN_END = new Set(['e.g.', 'i.e.', 'al.', 'vs.', 'etc.', 'Fig.', 'Eq.', 'cf.', 'resp.']);
const DANGLING = new Set(['a', 'an', 'the', 'of', 'and', 'for', 'in', 'on', 'with', 'to', 'via', 'by', 'from', 'at', 'or', 'as', 'is', 'are', 'that']);
const START = 0;
const MAX_SENTENCE = 60;
const [SPACE, BACKSLASH, LETTER_N, PERIOD] = [0x20, 0x5c, 0x6e, 0x2e];
const LINK = /https?:|www\.|github\.|gitlab\.|huggingface\.co/i;

function wordCounts(texts: string[]): number[] {
  return texts.map((t) => t.split(/\s+/).filter(Boolean).length);
}

/** Successor lists in compressed-row form: the successors of `i` are data[offsets[i] .. offsets[i+1]). */
class Lists {
  readonly offsets: Int32Array;
  readonly data: Int32Array;
  constructor(lists: number[][], size: number) {
    this.offsets = new Int32Array(size + 1);
    for (let i = 0; i < size; i++) this.offsets[i + 1] = this.offsets[i]! + (lists[i]?.length ?? 0);
    this.data = new Int32Array(this.offsets[size]!);
    for (let i = 0; i < size; i++) this.data.set(lists[i] ?? [], this.offsets[i]!);
  }
  /** A successor drawn in proportion to how often it was observed (`u` uniform in [0, 1)), or -1. */
  draw(i: number, u: number): number {
    const from = this.offsets[i]!;
    const length = this.offsets[i + 1]! - from;
    return length === 0 ? -1 : this.data[from + Math.floor(u * length)]!;
  }
}

/**
 * Word-level trigram Markov model. The state is a word pair, interned to an
 * integer; successor lists hold the next *pair* with repeats (so drawing one is
 * frequency-weighted and needs no lookup), and a bigram list per word serves
 * as the back-off that keeps the output from replaying the training text.
 */
export class TextModel {
  readonly words: string[] = ['<s>'];
  private readonly ids = new Map<string, number>();
  private readonly pairSecond: Int32Array;
  private readonly endsSentence: Uint8Array;
  /** Each word escaped for a JSON string in UTF-8, at bytes[byteStart[id] .. byteStart[id + 1]). */
  private readonly bytes: Uint8Array;
  private readonly byteStart: Int32Array;
  /** Each word's length in characters, for wrapping. */
  private readonly lengths: Int32Array;
  /** An upper bound on what `writeAbstract` writes. */
  readonly maxAbstractBytes: number;
  private readonly trigram: Lists;
  private readonly bigram: Lists;
  private readonly titleBigram: Lists;
  private readonly titleStarts: Int32Array;
  /** Every token of the training text: drawing from it samples words by corpus frequency. */
  private readonly tokens: Int32Array;
  private readonly abstractLengths: number[];
  private readonly titleLengths: number[];

  constructor(real: RealText, private readonly random: Random, private readonly backoff = 0.3) {
    this.abstractLengths = wordCounts(real.abstracts);
    this.titleLengths = wordCounts(real.titles);
    const pairIds = new Map<string, number>([['0 0', 0]]);
    const second: number[] = [START];
    const pairOf = (w1: number, w2: number) => {
      const key = `${w1} ${w2}`;
      let id = pairIds.get(key);
      if (id === undefined) pairIds.set(key, (id = second.push(w2) - 1));
      return id;
    };
    const tri: number[][] = [];
    const bi: number[][] = [];
    const tokens: number[] = [];
    for (const text of real.abstracts) {
      let w1 = START;
      let w2 = START;
      // Links are left out: which papers carry a code link is decided by the corpus generator.
      for (const word of text.split(/\s+/).filter((w) => w && !LINK.test(w))) {
        const id = this.intern(word);
        tokens.push(id);
        const from = pairOf(w1, w2);
        const to = pairOf(w2, id);
        (tri[from] ??= []).push(to);
        (bi[w2] ??= []).push(to);
        w1 = w2;
        w2 = id;
        if (SENTENCE_END.test(word) && !NOT_AN_END.has(word)) w1 = w2 = START;
      }
    }
    const titleBi: number[][] = [];
    const starts: number[] = [];
    for (const title of real.titles) {
      const words = title.split(/\s+/).filter(Boolean).map((w) => this.intern(w));
      if (words[0] !== undefined) starts.push(words[0]);
      for (let i = 0; i + 1 < words.length; i++) (titleBi[words[i]!] ??= []).push(words[i + 1]!);
    }
    this.pairSecond = Int32Array.from(second);
    this.trigram = new Lists(tri, second.length);
    this.bigram = new Lists(bi, this.words.length);
    this.titleBigram = new Lists(titleBi, this.words.length);
    this.titleStarts = Int32Array.from(starts);
    this.tokens = Int32Array.from(tokens);
    const escaped = this.words.map((w) => Buffer.from(JSON.stringify(w).slice(1, -1)));
    this.bytes = Buffer.concat(escaped);
    this.byteStart = new Int32Array(escaped.length + 1);
    escaped.forEach((b, i) => (this.byteStart[i + 1] = this.byteStart[i]! + b.length));
    const longestWord = Math.max(...escaped.map((b) => b.length));
    const words = Math.ceil(Math.max(...this.abstractLengths) * 1.15) + MAX_SENTENCE + 2;
    this.maxAbstractBytes = 8 + words * (longestWord + 3);
    this.lengths = Int32Array.from(this.words, (w) => w.length);
    this.endsSentence = Uint8Array.from(this.words, (w, i) => (i !== START && SENTENCE_END.test(w) && !NOT_AN_END.has(w) ? 1 : 0));
  }

  private intern(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.words.push(word);
      this.ids.set(word, id);
    }
    return id;
  }

  /** A word drawn by its frequency in the training text (for search queries). */
  sampleWord(): string {
    return this.words[this.tokens[Math.floor(this.random() * this.tokens.length)]!]!;
  }

  /** An abstract as plain text (see `writeAbstract`). */
  abstract(): string {
    const scratch = Buffer.allocUnsafe(this.maxAbstractBytes);
    return JSON.parse(`"${scratch.toString('utf8', 0, this.writeAbstract(scratch, 0))}"`) as string;
  }

  /**
   * Writes an abstract of an empirical length into `out` at `offset` as UTF-8,
   * already escaped for a JSON string, wrapped at ~80 columns the way arXiv
   * metadata is ("  first line\nsecond line\n"); returns the new offset. At
   * most `maxAbstractBytes` are written. Bytes, not strings: building and
   * serialising ~1 GB of strings word by word is what made generation slow.
   */
  writeAbstract(out: Uint8Array, offset: number): number {
    const { random, bytes, byteStart, lengths, pairSecond, endsSentence, trigram, bigram, backoff } = this;
    const target = pick(random, this.abstractLengths) * (0.85 + 0.3 * random());
    let at = offset;
    out[at++] = SPACE;
    let column = 1;
    let pair = START;
    for (let count = 0, inSentence = 0; count < target || pair !== START; count++, inSentence++) {
      // One uniform draw both decides on back-off and picks the successor.
      const u = random();
      let next = u < backoff ? bigram.draw(pairSecond[pair]!, u / backoff) : trigram.draw(pair, (u - backoff) / (1 - backoff));
      if (next < 0) next = bigram.draw(pairSecond[pair]!, random());
      if (next < 0) next = trigram.draw(START, random());
      const id = pairSecond[next]!;
      const length = lengths[id]!;
      pair = next;
      if (column + 1 + length > 80) {
        out[at++] = BACKSLASH;
        out[at++] = LETTER_N;
        column = length;
      } else {
        out[at++] = SPACE;
        column += 1 + length;
      }
      for (let k = byteStart[id]!, end = byteStart[id + 1]!; k < end; k++) out[at++] = bytes[k]!;
      if (endsSentence[id] === 1 || inSentence >= MAX_SENTENCE) {
        if (endsSentence[id] !== 1) out[at++] = PERIOD;
        pair = START;
        inSentence = -1;
      }
    }
    out[at++] = BACKSLASH;
    out[at++] = LETTER_N;
    return at;
  }

  /** A title of an empirical length, from title bigrams backed off to abstract bigrams. */
  title(titleCase: boolean): string {
    const length = Math.max(4, pick(this.random, this.titleLengths) + Math.floor(this.random() * 3) - 1);
    const randomStart = () => this.titleStarts[Math.floor(this.random() * this.titleStarts.length)]!;
    let id = randomStart();
    const words = [clean(this.words[id]!)];
    while (words.length < length || (words.length < length + 4 && DANGLING.has(words[words.length - 1]!.toLowerCase()))) {
      let next = this.random() < 0.5 ? this.titleBigram.draw(id, this.random()) : -1;
      if (next < 0) {
        const pair = this.bigram.draw(id, this.random());
        next = pair < 0 ? randomStart() : this.pairSecond[pair]!;
      }
      id = next;
      const word = clean(this.words[id]!);
      if (word) words.push(titleCase && !DANGLING.has(word) ? capitalize(word) : word);
    }
    words[0] = capitalize(words[0]!);
    // Long titles are wrapped like the snapshot's ("...at Tevatron and\n  LHC energies").
    let out = '';
    let column = 0;
    for (const word of words) {
      if (column > 0 && column + word.length > 70) {
        out += '\n  ' + word;
        column = word.length + 2;
      } else {
        out += (column > 0 ? ' ' : '') + word;
        column += word.length + 1;
      }
    }
    return out;
  }
}

function clean(word: string): string {
  return word.replace(/[.,;]+$/, '');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
