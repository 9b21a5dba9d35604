import type { Command } from 'commander';
import { policyEntries } from '../../policies/registry.js';

export function register(program: Command): void {
  program
    .command('policies')
    .description('list every control policy with a one-line description')
    .action(() => {
      const entries = policyEntries();
      const width = Math.max(...entries.map((e) => e.name.length));
      for (const e of entries) process.stdout.write(`${e.name.padEnd(width)}  ${e.description}\n`);
    });
}
