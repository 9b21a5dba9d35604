import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The compiled CLI entry point. */
export const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

/** Runs `governor ...args` in a subprocess and returns its exit code and output. */
export function runCli(args: readonly string[], options: { cwd?: string } = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: options.cwd,
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The contract scenarios folder (`shared/` sits beside the repository's clone). */
export const CONTRACT_SCENARIOS = fileURLToPath(
  new URL('../../../../shared/scenarios/', import.meta.url),
);
