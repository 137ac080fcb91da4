// CLI and start-up tests run the built program (`dist/`) exactly as users do,
// so the suite builds it once before any test starts.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  // Engineers iterating on unit tests may skip the build (CLI/start tests then run the last build).
  if (process.env.PAPERBOY_SKIP_BUILD === '1') return;
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
