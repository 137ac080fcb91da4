/** Opens search over a database: spelling vocabulary, keyword index and (when trained) the semantic index. */
import type { DatabaseHandle } from '../db/connection.js';
import { SearchService } from './search-service.js';
import { rebuildVocabulary } from './spelling/vocabulary-store.js';

export async function openSearch(database: DatabaseHandle): Promise<SearchService> {
  return SearchService.open({ database });
}

/** Rebuilds every search structure from the catalogue (`paperboy index rebuild`). */
export async function rebuildSearchIndex(database: DatabaseHandle): Promise<{ words: number }> {
  const words = await rebuildVocabulary(database.db);
  return { words };
}
