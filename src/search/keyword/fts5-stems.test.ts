import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { stemGroups, tokenizeOption } from './fts5-stems.js';

const CREATE = "CREATE VIRTUAL TABLE papers_fts USING fts5(title, abstract, tokenize='porter unicode61 remove_diacritics 2')";

describe('FTS5 stems', () => {
  it("reads the tokenize option of an FTS5 table's CREATE statement", () => {
    expect(tokenizeOption(CREATE)).toBe("'porter unicode61 remove_diacritics 2'");
    expect(tokenizeOption('CREATE VIRTUAL TABLE t USING fts5(x, tokenize = "unicode61")')).toBe('"unicode61"');
    expect(tokenizeOption('CREATE VIRTUAL TABLE t USING fts5(x)')).toBeUndefined();
  });

  it('groups words by the term FTS5 indexes them under, commonest first', async () => {
    const sqlite = new Database(':memory:');
    const words = [
      { word: 'continual', papers: 2 },
      { word: 'models', papers: 5 },
      { word: 'continue', papers: 1 },
      { word: 'model', papers: 3 },
      { word: 'u-μp', papers: 9 },
      { word: 'café', papers: 1 },
    ];
    const groups = await stemGroups(sqlite, CREATE, words);
    expect(groups).toEqual([
      { stem: 'model', words: ['models', 'model'], papers: 8 },
      { stem: 'continu', words: ['continual', 'continue'], papers: 3 },
      { stem: 'cafe', words: ['café'], papers: 1 },
    ]);
    // The scratch table is left empty; the connection is not otherwise written.
    expect(sqlite.prepare('SELECT count(*) FROM temp.paperboy_stems').pluck().get()).toBe(0);
    expect(await stemGroups(sqlite, 'CREATE VIRTUAL TABLE t USING fts5(x)', words)).toEqual([]);
    sqlite.close();
  });
});
