/**
 * The one tokenizer of our own search code (spelling vocabulary, semantic
 * model, snippets), agreeing with the FTS5 tokenizer configured in the
 * migrations (`unicode61 remove_diacritics 2`): lower-cased runs of letters
 * and digits, accents stripped.
 */
import { stemmer } from 'stemmer';

const WORD = /[\p{L}\p{N}]+/gu;
// ASCII text needs no Unicode normalisation and has only ASCII letters and digits:
// most of a catalogue is ASCII, and this path is several times cheaper than NFKD plus \p{…} classes.
const NON_ASCII = /[^\x00-\x7f]/;
const ASCII_WORD = /[a-z0-9]+/g;

/** Lower-cases and strips diacritics (é → e, ü → u) so spellings compare equal. */
export function foldCase(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** Every word of the text, folded, in order. */
export function tokenize(text: string): string[] {
  if (!NON_ASCII.test(text)) return text.toLowerCase().match(ASCII_WORD) ?? [];
  return foldCase(text).match(WORD) ?? [];
}

/** Word spans in the original text (for highlighting), with their folded form. */
export function tokenSpans(text: string): Array<{ word: string; start: number; end: number }> {
  const spans: Array<{ word: string; start: number; end: number }> = [];
  for (const m of text.matchAll(WORD)) spans.push({ word: foldCase(m[0]), start: m.index, end: m.index + m[0].length });
  return spans;
}

const FUNCTION_WORD_LIST =
  'a an and are as at be been but by for from has have in into is it its of on or that the their this to was we were which with ' +
  'our these those they them can also than then there such via';

/** English function words: grammar, no meaning of their own. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(FUNCTION_WORD_LIST.split(' '));

// Function words and the boilerplate of abstracts: words that carry no topic. Kept short on
// purpose: "not", "no", "without" and numbers matter in paper titles.
export const STOPWORDS: ReadonlySet<string> = new Set(
  `${FUNCTION_WORD_LIST} using use used based show shows paper propose proposed approach method methods results`.split(' '),
);

// Porter stemming is a cascade of regular expressions; search stems the same few
// thousand words over and over (scoring candidates, snippets, filters), so it is memoised.
// Bounded: number-like tokens and typos would otherwise grow it without limit.
const STEM_CACHE_MAX = 200_000;
let stemCache = new Map<string, string>();

/** Porter stem, as FTS5's `porter` tokenizer computes it, so our terms meet the index's. */
export function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = stemmer(word);
    if (stemCache.size >= STEM_CACHE_MAX) stemCache = new Map();
    stemCache.set(word, stemmed);
  }
  return stemmed;
}

/** Content terms of a text: tokens without stop words, stemmed. */
export function contentTerms(text: string): string[] {
  const out: string[] = [];
  for (const token of tokenize(text)) if (!STOPWORDS.has(token) && token.length > 1) out.push(stem(token));
  return out;
}
