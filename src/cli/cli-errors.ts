/** How a CLI command reports failure: one clear line on stderr and a non-zero exit code. */
import { ConfigError } from '../config/config.js';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function describeError(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
