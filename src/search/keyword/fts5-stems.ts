/**
 * The terms FTS5 itself indexes words under, asked of FTS5: the words are
 * put, one per row, into a temporary FTS5 table declared with the
 * catalogue index's own tokenizer, and its `fts5vocab` instance table says
 * which term each row became. So "models", "modeling" and "modelling" are
 * known to share the term "model" (and one set of papers) with no stemmer of
 * ours having to agree with FTS5's. The table lives in the connection's
 * temp schema and is emptied after use; the catalogue file is not written.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type Database from 'better-sqlite3';

export interface StemGroup {
  stem: string;
  /** The words FTS5 indexes under it, commonest first. */
  words: string[];
  /** Papers using any of its words: the sum of theirs (an estimate from above). */
  papers: number;
}

const CHUNK = 20_000;
const TABLE = 'temp.paperboy_stems';

/** The `tokenize=` option of an FTS5 table's CREATE statement, as written there, or undefined. */
export function tokenizeOption(createSql: string): string | undefined {
  return /\btokenize\s*=\s*('(?:[^']|'')*'|"(?:[^"]|"")*")/i.exec(createSql)?.[1];
}

/**
 * The words' stems in the index declared by `createSql`, grouped, commonest group first.
 * Words the tokenizer does not turn into exactly one term are left out.
 */
export async function stemGroups(sqlite: Database.Database, createSql: string, words: ReadonlyArray<{ word: string; papers: number }>): Promise<StemGroup[]> {
  const tokenize = tokenizeOption(createSql);
  if (tokenize === undefined || words.length === 0) return [];
  sqlite.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${TABLE} USING fts5(word, tokenize=${tokenize})`);
  sqlite.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.paperboy_stem_terms USING fts5vocab(temp, paperboy_stems, 'instance')`);
  const insert = sqlite.prepare(`INSERT INTO ${TABLE} (rowid, word) VALUES (?, ?)`);
  const terms = sqlite.prepare('SELECT doc, term FROM temp.paperboy_stem_terms');
  const groups = new Map<string, StemGroup>();
  try {
    for (let start = 0; start < words.length; start += CHUNK) {
      const chunk = words.slice(start, start + CHUNK);
      sqlite.exec(`DELETE FROM ${TABLE}`);
      sqlite.transaction(() => chunk.forEach(({ word }, i) => insert.run(i + 1, word)))();
      const termsOf = new Map<number, string[]>();
      for (const { doc, term } of terms.all() as Array<{ doc: number; term: string }>) termsOf.set(doc, [...(termsOf.get(doc) ?? []), term]);
      chunk.forEach(({ word, papers }, i) => {
        const found = termsOf.get(i + 1);
        if (found?.length !== 1) return;
        const stem = found[0]!;
        const group = groups.get(stem) ?? { stem, words: [], papers: 0 };
        group.words.push(word);
        group.papers += papers;
        groups.set(stem, group);
      });
      await yieldToEventLoop();
    }
  } finally {
    sqlite.exec(`DELETE FROM ${TABLE}`);
  }
  return [...groups.values()].sort((a, b) => b.papers - a.papers || (a.stem < b.stem ? -1 : 1));
}
