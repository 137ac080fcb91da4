/**
 * One instance trains the semantic model for all. Every server refreshes its
 * search index each minute, so when the catalogue has doubled (or no model
 * exists yet) every instance on a shared database would decide to retrain at
 * the same moment: minutes of CPU each, and models replacing one another.
 * Training is done under a lease instead; the other instances carry on with
 * the model they have, and load the new one once it is active
 * (SemanticIndex.followActiveModel).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { acquireLease, keepLease, uniqueHolder } from '../../jobs/leases.js';

export const TRAINING_LEASE = 'search-model-training';
/** Renewed every third of this while training runs; a trainer that died frees it after this long. */
const TRAINING_LEASE_MS = 10 * 60_000;

export class TrainingLease {
  private readonly holder = uniqueHolder();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log?: (message: string) => void,
  ) {}

  /** Runs `train` if no other instance is training; undefined when one is. */
  async runAlone<T>(train: () => Promise<T>): Promise<T | undefined> {
    if (!(await acquireLease(this.db, TRAINING_LEASE, this.holder, TRAINING_LEASE_MS))) return undefined;
    const lease = keepLease(this.db, TRAINING_LEASE, this.holder, TRAINING_LEASE_MS, this.log);
    try {
      return await train();
    } finally {
      await lease.stop();
    }
  }
}
