/** The `paperboy` command line: one sub-command per file under `commands/`. */
import { Command, CommanderError } from 'commander';
import { describeError, EXIT_FAILURE, EXIT_USAGE } from './cli-errors.js';
import { createDigestParts } from '../digest/compose-parts.js';
import { registerDigest } from './commands/digest.js';
import { registerExport } from './commands/export.js';
import { registerIndex } from './commands/index-command.js';
import { registerIngest } from './commands/ingest.js';
import { registerMigrate } from './commands/migrate.js';
import { registerMigrateData } from './commands/migrate-data.js';
import { registerSearch } from './commands/search.js';
import { registerServe } from './commands/serve.js';
import { registerSync } from './commands/sync.js';
import { registerTrending } from './commands/trending.js';

export function buildProgram(): Command {
  const program = new Command('paperboy')
    .description('Paperboy: self-hostable research-paper discovery')
    .showHelpAfterError()
    .exitOverride();
  registerServe(program);
  registerMigrate(program);
  registerMigrateData(program);
  registerIngest(program);
  registerSync(program);
  registerExport(program);
  registerSearch(program);
  registerIndex(program);
  registerDigest(program, (ctx) => createDigestParts(ctx));
  registerTrending(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit "successfully"; real usage errors are already printed by commander.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    process.stderr.write(`paperboy: ${describeError(error)}\n`);
    return EXIT_FAILURE;
  }
}
