/** The CLI's exit codes for errors (see main.ts). */
import { CommanderError } from 'commander';
import { GovernorError } from '../sim-cluster/errors.js';

/** Turns an error into an exit code; user mistakes get one line, bugs get a stack. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander has already printed its message (or the help text).
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof GovernorError) {
    process.stderr.write(`governor: ${error.message}\n`);
    return 2;
  }
  process.stderr.write(`governor: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  return 1;
}
