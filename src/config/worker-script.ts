/**
 * Where a worker thread's script is. Built code runs the `.js` beside the
 * caller; under Vitest the sources are TypeScript, which a worker cannot
 * load, so the compiled copy in `dist/` (built by the test setup) is used.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from './paths.js';

export function workerScript(siblingUrl: URL): string {
  const here = fileURLToPath(siblingUrl);
  if (existsSync(here)) return here;
  const built = join(PACKAGE_ROOT, 'dist', relative(PACKAGE_ROOT, here));
  if (existsSync(built)) return built;
  throw new Error(`worker script not found at ${here} or ${built}; run npm run build`);
}
