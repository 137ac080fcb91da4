/** Opens search over a database: spelling vocabulary, keyword index and (when trained) the semantic index. */
import type { DatabaseHandle } from '../db/connection.js';
import { openKeywordEngine } from './keyword/keyword-engine.js';
import type { TermBitmapOptions } from './keyword/sqlite-term-bitmaps.js';
import { SearchService } from './search-service.js';
import { SemanticIndex, type RebuildReport } from './semantic/semantic-index.js';
import { rebuildVocabulary } from './spelling/vocabulary-store.js';

export interface OpenSearchOptions {
  log?: (message: string) => void;
  /**
   * Keep the catalogue's common words as in-memory bitsets (SQLite), built by the first
   * `refresh`: for servers and benchmarks, not one-shot commands.
   */
  termBitmaps?: boolean | Omit<TermBitmapOptions, 'log'>;
}

export async function openSearch(database: DatabaseHandle, options: OpenSearchOptions = {}): Promise<SearchService> {
  const semantic = await SemanticIndex.open(database, { log: options.log });
  const termBitmaps = options.termBitmaps ? { ...(options.termBitmaps === true ? {} : options.termBitmaps), log: options.log } : undefined;
  return SearchService.open({ database, semantic, keyword: termBitmaps ? { termBitmaps } : {} });
}

/** Rebuilds every search structure from the catalogue (`paperboy index rebuild`). */
export async function rebuildSearchIndex(database: DatabaseHandle, options: OpenSearchOptions = {}): Promise<{ words: number; semantic: RebuildReport }> {
  const semantic = await SemanticIndex.open(database, { log: options.log });
  try {
    // The semantic rebuild trains its model in a worker thread for the first minute or so, leaving
    // this thread idle: the vocabulary and the keyword engine's derived indexes are rebuilt
    // meanwhile (they yield between pages).
    const keyword = openKeywordEngine(database);
    const vocabularyThenKeyword = async () => {
      const words = await rebuildVocabulary(database.db);
      await keyword.rebuild();
      return words;
    };
    const [report, words] = await bothSettled(semantic.rebuild(), vocabularyThenKeyword());
    await semantic.persist();
    return { words, semantic: report };
  } finally {
    await semantic.close();
  }
}

/** Both results once both are done (neither is left running behind a failure of the other), or the first error. */
async function bothSettled<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}
