#!/usr/bin/env node
/**
 * The `governor` command: argument parsing and wiring only. Each subcommand lives in
 * `cli/commands/<name>.ts` and exports `register(program)`.
 *
 * Exit codes: 0 success; 1 an internal failure (a bug: printed with its stack);
 * 2 a usage error or bad input (one clear line, never a stack trace).
 */
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { reportError } from './report-error.js';

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command();
  program
    .name('governor')
    .description('Learned performance management for multi-tenant microservice systems')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  registerCommands(program);
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (error) {
    return reportError(error);
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error);
  },
);
