/** Opens search over a database: spelling vocabulary, keyword index and (when trained) the semantic index. */
import type { DatabaseHandle } from '../db/connection.js';
import { SearchService } from './search-service.js';
import { SemanticIndex, type RebuildReport } from './semantic/semantic-index.js';
import { rebuildVocabulary } from './spelling/vocabulary-store.js';

export interface OpenSearchOptions {
  log?: (message: string) => void;
}

export async function openSearch(database: DatabaseHandle, options: OpenSearchOptions = {}): Promise<SearchService> {
  const semantic = await SemanticIndex.open(database, { log: options.log });
  return SearchService.open({ database, semantic });
}

/** Rebuilds every search structure from the catalogue (`paperboy index rebuild`). */
export async function rebuildSearchIndex(database: DatabaseHandle, options: OpenSearchOptions = {}): Promise<{ words: number; semantic: RebuildReport }> {
  const words = await rebuildVocabulary(database.db);
  const semantic = await SemanticIndex.open(database, { log: options.log });
  try {
    const report = await semantic.rebuild();
    await semantic.persist();
    return { words, semantic: report };
  } finally {
    await semantic.close();
  }
}
