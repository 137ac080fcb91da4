/**
 * BM25F scoring of candidate papers in JavaScript. FTS5's own bm25() reads
 * the whole posting list of every query term to count documents (its IDF) on
 * each query — tens of milliseconds for a common word in a million papers.
 * We take document frequencies from the spelling vocabulary instead, so the
 * cost of a query is proportional to the candidates scored, not the corpus.
 */
import { stem, tokenize } from '../text/tokenize.js';

export interface ScoredText {
  seq: number;
  title: string;
  abstract: string | null;
  authors: string;
}

export interface QueryStems {
  /** Groups of alternatives: a word and its expansions count as one query term. */
  groups: Array<{ stems: Set<string>; idf: number }>;
}

const FIELD_WEIGHTS = { title: 5, abstract: 1, authors: 2 };
const K1 = 1.2;
const B = 0.75;
// Typical lengths in words; used for length normalisation without a corpus pass.
const AVERAGE_LENGTH = { title: 10, abstract: 160, authors: 8 };

/** Word count of a field and the frequency of each query term in it. */
interface FieldCounts {
  length: number;
  tf: number[];
}

/**
 * Which first letters the query's stems start with. A Porter stem keeps its
 * word's first character, so a word starting with any other cannot match and
 * is counted without being cut out, lower-cased and stemmed: most words of a
 * candidate's title and authors are skipped that way.
 */
function firstCharacters(groups: QueryStems['groups']): Set<string> {
  const out = new Set<string>();
  for (const group of groups) for (const s of group.stems) if (s.length > 0) out.add(s[0]!);
  return out;
}

function countStem(word: string, groups: QueryStems['groups'], tf: number[]): void {
  const s = stem(word);
  for (let g = 0; g < groups.length; g++) if (groups[g]!.stems.has(s)) tf[g]!++;
}

const isAsciiWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);

/** The same words as `tokenize` (ASCII text is scanned in place; anything else goes through `tokenize`). */
function fieldCounts(text: string, groups: QueryStems['groups'], firsts: Set<string>): FieldCounts {
  const tf = new Array<number>(groups.length).fill(0);
  let length = 0;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c >= 128) return tokenizedCounts(text, groups, firsts);
    if (!isAsciiWordChar(c)) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && isAsciiWordChar(text.charCodeAt(i))) i++;
    if (i < text.length && text.charCodeAt(i) >= 128) return tokenizedCounts(text, groups, firsts);
    length++;
    if (firsts.has(String.fromCharCode(c | (c >= 65 && c <= 90 ? 32 : 0)))) countStem(text.slice(start, i).toLowerCase(), groups, tf);
  }
  return { length, tf };
}

function tokenizedCounts(text: string, groups: QueryStems['groups'], firsts: Set<string>): FieldCounts {
  const tf = new Array<number>(groups.length).fill(0);
  const words = tokenize(text);
  for (const word of words) if (firsts.has(word[0]!)) countStem(word, groups, tf);
  return { length: words.length, tf };
}

export function idf(docCount: number, paperCount: number): number {
  const n = Math.max(paperCount, docCount, 1);
  return Math.log(1 + (n - docCount + 0.5) / (docCount + 0.5));
}

/** BM25F: field term frequencies are weighted and length-normalised, then saturated once per term. */
export function scoreText(doc: ScoredText, query: QueryStems, fields: { abstract: boolean }): number {
  const groups = query.groups;
  const firsts = firstCharacters(groups);
  const parts: Array<[string | null, number, number]> = [
    [doc.title, FIELD_WEIGHTS.title, AVERAGE_LENGTH.title],
    [doc.authors, FIELD_WEIGHTS.authors, AVERAGE_LENGTH.authors],
    [fields.abstract ? doc.abstract : null, FIELD_WEIGHTS.abstract, AVERAGE_LENGTH.abstract],
  ];
  const weighted = new Array<number>(groups.length).fill(0);
  for (const [text, weight, average] of parts) {
    if (!text) continue;
    const { length, tf } = fieldCounts(text, groups, firsts);
    if (length === 0) continue;
    const norm = 1 - B + (B * length) / average;
    for (let g = 0; g < tf.length; g++) weighted[g]! += (weight * tf[g]!) / norm;
  }
  let score = 0;
  for (let g = 0; g < weighted.length; g++) {
    const w = weighted[g]!;
    if (w > 0) score += groups[g]!.idf * ((w * (K1 + 1)) / (w + K1));
  }
  return score;
}
