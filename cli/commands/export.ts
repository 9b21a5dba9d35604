/**
 * `governor export RUN --out BUNDLE`: the policy bundle of a training run from its latest
 * checkpoint, with the feature ranges seen in training (`training.featureRanges`, which
 * `governor serve --policy BUNDLE` guards the policy with).
 */
import type { Command } from 'commander';
import { exportRun } from '../../training/cluster-run.js';

export function register(program: Command): void {
  program
    .command('export')
    .description("write a training run's policy bundle from its latest checkpoint")
    .argument('<run>', 'training run directory (governor train --out)')
    .requiredOption('--out <bundle>', 'bundle directory to write (replaced atomically)')
    .action((run: string, flags: { out: string }) => {
      const manifest = exportRun(run, flags.out);
      const t = manifest.training as { globalStep?: number; featureRanges?: object };
      process.stdout.write(
        `wrote ${flags.out}: step ${t.globalStep}, ${Object.keys(t.featureRanges ?? {}).length} feature ranges\n`,
      );
    });
}
