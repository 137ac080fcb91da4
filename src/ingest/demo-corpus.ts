/**
 * The bundled demo corpus (the 273 papers of the page Paperboy started from)
 * is loaded once, on the first start of an empty catalogue, so `npm start`
 * shows something without network access. Deleting the papers later does not
 * bring it back.
 */
import { countPapers } from '../catalogue/paper-store.js';
import { DEMO_CORPUS_PATH } from '../config/paths.js';
import type { DatabaseHandle } from '../db/connection.js';
import { SETUP_LOCK } from '../db/migrator.js';
import type { HttpClient } from './fetch/http-client.js';
import { getHarvestState, markHarvestSuccess } from './sync/harvest-state.js';
import { ingestSource, type IngestSummary } from './run-ingest.js';

const DEMO_KEY = 'demo-corpus';

/**
 * Under the setup lock: of several instances starting at once on an empty
 * database, one loads the corpus and the others then find it loaded.
 */
export function loadDemoCorpusOnce(handle: DatabaseHandle, http: HttpClient, log: (m: string) => void): Promise<IngestSummary | undefined> {
  return handle.exclusively(SETUP_LOCK, () => loadUnlessLoaded(handle, http, log));
}

async function loadUnlessLoaded(handle: DatabaseHandle, http: HttpClient, log: (m: string) => void): Promise<IngestSummary | undefined> {
  const state = await getHarvestState(handle.db, DEMO_KEY);
  if (state?.last_success_at) return undefined;
  if ((await countPapers(handle.db)) > 0) return undefined;
  const summary = await ingestSource(handle, DEMO_CORPUS_PATH, { format: 'seed', http, log });
  await markHarvestSuccess(handle.db, DEMO_KEY, { harvestedUntil: null });
  return summary;
}
