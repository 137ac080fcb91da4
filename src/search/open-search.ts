/** Opens search over a database: spelling vocabulary, keyword index and (when trained) the semantic index. */
import type { DatabaseHandle } from '../db/connection.js';
import { SearchService } from './search-service.js';

export async function openSearch(database: DatabaseHandle): Promise<SearchService> {
  return SearchService.open({ database });
}
