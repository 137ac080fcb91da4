/**
 * Document frequencies of the spelling vocabulary: every folded, unstemmed
 * word of a paper's title and abstract (3–40 characters, not a bare number),
 * counted once per paper. Counting a million papers is one pass of the
 * tokenizer plus one map lookup per token: instead of a set of words per
 * paper, each entry remembers the last paper that counted it.
 */
import { tokenize } from '../text/tokenize.js';

interface Entry {
  count: number;
  lastPaper: number;
}

const MIN_LENGTH = 3;
const MAX_LENGTH = 40;
const DIGITS = /^\d+$/;

export class WordCounter {
  private readonly entries = new Map<string, Entry>();
  private paper = 0;

  /** Counts one paper's words. */
  addPaper(title: string, abstract: string | null): void {
    this.paper++;
    this.addTokens(tokenize(title));
    if (abstract) this.addTokens(tokenize(abstract));
  }

  /** Counts already tokenized words of the current paper (after `startPaper`), for callers that tokenize anyway. */
  startPaper(): void {
    this.paper++;
  }

  addTokens(tokens: readonly string[]): void {
    const paper = this.paper;
    for (const word of tokens) {
      if (word.length < MIN_LENGTH || word.length > MAX_LENGTH) continue;
      const entry = this.entries.get(word);
      if (entry !== undefined) {
        if (entry.lastPaper !== paper) (entry.lastPaper = paper), entry.count++;
      } else if (!(word.charCodeAt(0) <= 57 && DIGITS.test(word))) {
        this.entries.set(word, { count: 1, lastPaper: paper });
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Word → number of papers using it. */
  counts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [word, entry] of this.entries) out.set(word, entry.count);
    return out;
  }
}
