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

const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 200_000;

function cachedStem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
    s = stem(word);
    stemCache.set(word, s);
  }
  return s;
}

export function idf(docCount: number, paperCount: number): number {
  const n = Math.max(paperCount, docCount, 1);
  return Math.log(1 + (n - docCount + 0.5) / (docCount + 0.5));
}

function fieldStems(text: string): string[] {
  return tokenize(text).map(cachedStem);
}

function termFrequencies(stems: string[], groups: QueryStems['groups']): number[] {
  const tf = new Array<number>(groups.length).fill(0);
  for (const s of stems) {
    for (let g = 0; g < groups.length; g++) if (groups[g]!.stems.has(s)) tf[g]!++;
  }
  return tf;
}

/** BM25F: field term frequencies are weighted and length-normalised, then saturated once per term. */
export function scoreText(doc: ScoredText, query: QueryStems, fields: { abstract: boolean }): number {
  const title = fieldStems(doc.title);
  const authors = fieldStems(doc.authors);
  const abstract = fields.abstract && doc.abstract ? fieldStems(doc.abstract) : [];
  const parts: Array<[string[], number, number]> = [
    [title, FIELD_WEIGHTS.title, AVERAGE_LENGTH.title],
    [authors, FIELD_WEIGHTS.authors, AVERAGE_LENGTH.authors],
    [abstract, FIELD_WEIGHTS.abstract, AVERAGE_LENGTH.abstract],
  ];
  const weighted = new Array<number>(query.groups.length).fill(0);
  for (const [stems, weight, average] of parts) {
    if (stems.length === 0) continue;
    const tf = termFrequencies(stems, query.groups);
    const norm = 1 - B + (B * stems.length) / average;
    for (let g = 0; g < tf.length; g++) weighted[g]! += (weight * tf[g]!) / norm;
  }
  let score = 0;
  for (let g = 0; g < weighted.length; g++) {
    const w = weighted[g]!;
    if (w > 0) score += query.groups[g]!.idf * ((w * (K1 + 1)) / (w + K1));
  }
  return score;
}
