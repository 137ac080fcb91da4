/**
 * Excluded words checked on a paper's text in JavaScript, with the tokenizer
 * and stemmer that agree with FTS5's (text/tokenize.ts): for a window of
 * candidates from an index that does not hold the whole paper (SQLite's
 * title index), where asking FTS5 about each candidate cost more than the
 * scan it replaces.
 */
import { foldCase, stem, tokenize } from '../text/tokenize.js';
import type { SearchQuery } from './search-query.js';

/** Each excluded term as its sequence of stems (a phrase has several). */
export type ExcludedStems = ReadonlyArray<readonly string[]>;

export function excludedStems(query: SearchQuery): ExcludedStems {
  return query.terms.filter((t) => t.negated).flatMap((t) => {
    const tokens = tokenize(t.text);
    return tokens.length > 0 ? [tokens.map(stem)] : [];
  });
}

/**
 * A string every text mentioning the stem contains: Porter stemming rewrites
 * at most the last few letters of a word ("probability" → "probabl",
 * "happy" → "happi"), so a word with this stem starts with all but its last
 * three letters. Most texts lack it, and are passed without being tokenized.
 */
function stemPrefix(stemmed: string): string {
  return stemmed.slice(0, Math.max(1, stemmed.length - 3));
}

/** Whether any of the texts holds any excluded term (a phrase: its stems in a row). */
export function mentionsExcluded(texts: ReadonlyArray<string | null>, excluded: ExcludedStems): boolean {
  if (excluded.length === 0) return false;
  for (const text of texts) {
    if (!text) continue;
    const folded = foldCase(text);
    const candidates = excluded.filter((phrase) => phrase.every((s) => folded.includes(stemPrefix(s))));
    if (candidates.length === 0) continue;
    // A single word is looked for where its prefix occurs; only phrases need the whole text's stems.
    if (candidates.some((phrase) => phrase.length === 1 && wordAtPrefixHasStem(folded, phrase[0]!))) return true;
    const phrases = candidates.filter((phrase) => phrase.length > 1);
    if (phrases.length === 0) continue;
    const stems = tokenize(folded).map(stem);
    for (const phrase of phrases) if (containsRun(stems, phrase)) return true;
  }
  return false;
}

const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/** Whether a word of the (folded) text that contains the stem's prefix has that stem. */
function wordAtPrefixHasStem(folded: string, stemmed: string): boolean {
  const prefix = stemPrefix(stemmed);
  for (let at = folded.indexOf(prefix); at >= 0; at = folded.indexOf(prefix, at + 1)) {
    let start = at;
    while (start > 0 && WORD_CHARACTER.test(folded[start - 1]!)) start--;
    let end = at + prefix.length;
    while (end < folded.length && WORD_CHARACTER.test(folded[end]!)) end++;
    if (stem(folded.slice(start, end)) === stemmed) return true;
  }
  return false;
}

function containsRun(stems: readonly string[], run: readonly string[]): boolean {
  for (let i = 0; i + run.length <= stems.length; i++) {
    let j = 0;
    while (j < run.length && stems[i + j] === run[j]) j++;
    if (j === run.length) return true;
  }
  return false;
}
