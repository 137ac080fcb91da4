/** Writes the whole catalogue as JSON Lines, one paper per line, in constant memory. */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { iteratePapers, type Executor } from './paper-store.js';

export async function exportJsonLines(db: Executor, out: Writable): Promise<number> {
  let count = 0;
  for await (const paper of iteratePapers(db)) {
    // Respect back-pressure so a slow pipe does not fill memory.
    if (!out.write(`${JSON.stringify(paper)}\n`)) await once(out, 'drain');
    count++;
  }
  return count;
}
