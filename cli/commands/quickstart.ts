/**
 * `governor quickstart`: the README's first command. Evaluates the pretrained policy
 * bundle (`pretrained/governor-pretrained/`, or `--policy BUNDLE`) against the heuristic
 * baselines on the quick suite (eval/suites/quick.yaml) and prints the comparison table;
 * `--train-steps N` first trains a policy for N steps with the pretrained bundle's
 * committed config (training/configs/pretrained.yaml) and evaluates that one instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../../sim-cluster/errors.js';
import { trainCluster } from '../../training/cluster-run.js';
import { validateTrainConfig } from '../../training/config.js';
import { parsePretrainedConfig } from '../../training/pretrained-config.js';
import { trainResidual } from '../../training/residual-run.js';
import { evaluateSuite } from './eval.js';

/** The repository root (from dist/cli/commands/ or cli/commands/). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/dist\/$/, '');
export const PRETRAINED_BUNDLE = join(ROOT, 'pretrained', 'governor-pretrained');
export const PRETRAINED_CONFIG = join(ROOT, 'training', 'configs', 'pretrained.yaml');

interface QuickstartOptions {
  policy?: string;
  baselines: string;
  suite: string;
  seeds?: string;
  out: string;
  jobs?: string;
  trainSteps?: string;
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a positive integer, got ${text}`);
  return n;
}

async function quickstart(o: QuickstartOptions): Promise<void> {
  let policy = o.policy ?? PRETRAINED_BUNDLE;
  if (o.trainSteps !== undefined) {
    const steps = positiveInteger('--train-steps', o.trainSteps);
    const run = join(o.out, 'run');
    policy = join(run, 'bundle');
    if (existsSync(PRETRAINED_CONFIG)) {
      // The pretrained bundle's own config (residual PPO, npm run train:pretrained).
      const config = parsePretrainedConfig(
        readFileSync(PRETRAINED_CONFIG, 'utf8'),
        PRETRAINED_CONFIG,
      );
      process.stderr.write(`training ${steps} steps first (${PRETRAINED_CONFIG}) into ${run}\n`);
      // A scenario path in the config is relative to the repository root.
      const scenario = existsSync(join(ROOT, config.scenario))
        ? join(ROOT, config.scenario)
        : config.scenario;
      await trainResidual({ ...config, scenario, totalSteps: steps }, run, { bundleDir: policy });
    } else {
      const base = validateTrainConfig({}, '<defaults>', ROOT);
      process.stderr.write(`training ${steps} steps first (${base.source}) into ${run}\n`);
      await trainCluster({ config: { ...base, totalSteps: steps, eval: null }, outDir: run });
    }
  } else if (!existsSync(join(policy, 'manifest.json'))) {
    throw new UsageError(
      o.policy === undefined
        ? `no pretrained bundle at ${policy}; pass --policy BUNDLE, or --train-steps N to train one first`
        : `--policy ${policy}: no policy bundle there (no manifest.json)`,
    );
  }
  await evaluateSuite({
    suite: o.suite,
    policies: [`learned:${policy}`, o.baselines].join(','),
    out: join(o.out, 'eval'),
    ...(o.seeds === undefined ? {} : { seeds: positiveInteger('--seeds', o.seeds) }),
    ...(o.jobs === undefined ? {} : { jobs: positiveInteger('--jobs', o.jobs) }),
  });
}

export function register(program: Command): void {
  program
    .command('quickstart')
    .description(
      'evaluate the pretrained policy against the heuristic baselines on built-in scenarios and print the comparison table',
    )
    .option('--policy <bundle>', 'policy bundle to evaluate (default: the pretrained bundle)')
    .option('--baselines <list>', "heuristics to compare with ('all': every one)", 'all')
    .option('--suite <name|file>', 'evaluation suite', 'quick')
    .option('--seeds <n>', "seeds per scenario (default: the suite's)")
    .option('--jobs <n>', 'parallel worker threads (default: number of cores)')
    .option('--train-steps <n>', 'first train a policy for n steps and evaluate it instead')
    .option('--out <dir>', 'folder for the reports (and the training run)', 'runs/quickstart')
    .action((o: QuickstartOptions) => quickstart(o));
}
