/**
 * `governor train --env ID --total-steps N --seed S --out DIR [--backend NAME] ...`:
 * trains PPO on a registered env; writes DIR/metrics.jsonl, DIR/checkpoint and DIR/bundle.
 */
import type { Command } from 'commander';
import { BACKEND_NAMES } from '../../agents/backend.js';
import type { BackendName } from '../../agents/backend.js';
import { runTraining } from '../../agents/io/train-run.js';
import type { PpoConfig } from '../../agents/ppo-config.js';
import { UsageError } from '../../sim-cluster/errors.js';

interface TrainFlags {
  env: string;
  totalSteps: string;
  seed: string;
  out: string;
  backend?: string;
  preset?: string;
  numEnvs?: string;
  numSteps?: string;
  learningRate?: string;
  gamma?: string;
  updateEpochs?: string;
  numMinibatches?: string;
  checkpointEvery?: string;
  resume?: string;
}

function integer(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${flag} must be an integer >= ${min}, got ${text}`);
  }
  return value;
}

function positive(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--${flag} must be a positive number, got ${text}`);
  }
  return value;
}

function overrides(flags: TrainFlags): Partial<PpoConfig> {
  const o: { -readonly [K in keyof PpoConfig]?: PpoConfig[K] } = {};
  if (flags.numEnvs !== undefined) o.numEnvs = integer('num-envs', flags.numEnvs, 1);
  if (flags.numSteps !== undefined) o.numSteps = integer('num-steps', flags.numSteps, 1);
  if (flags.learningRate !== undefined)
    o.learningRate = positive('learning-rate', flags.learningRate);
  if (flags.gamma !== undefined) o.gamma = positive('gamma', flags.gamma);
  if (flags.updateEpochs !== undefined)
    o.updateEpochs = integer('update-epochs', flags.updateEpochs, 1);
  if (flags.numMinibatches !== undefined) {
    o.numMinibatches = integer('num-minibatches', flags.numMinibatches, 1);
  }
  return o;
}

async function train(flags: TrainFlags): Promise<void> {
  if (
    flags.backend !== undefined &&
    !(BACKEND_NAMES as readonly string[]).includes(flags.backend)
  ) {
    throw new UsageError(
      `--backend must be one of ${BACKEND_NAMES.join(', ')}, got ${flags.backend}`,
    );
  }
  const summary = await runTraining({
    envId: flags.env,
    totalSteps: integer('total-steps', flags.totalSteps, 1),
    seed: integer('seed', flags.seed, 0),
    outDir: flags.out,
    overrides: overrides(flags),
    ...(flags.backend ? { backend: flags.backend as BackendName } : {}),
    ...(flags.preset ? { preset: flags.preset } : {}),
    ...(flags.resume ? { resume: flags.resume } : {}),
    ...(flags.checkpointEvery
      ? { checkpointEvery: integer('checkpoint-every', flags.checkpointEvery, 0) }
      : {}),
  });
  process.stdout.write(
    `trained ${summary.globalStep} steps on ${flags.env} (${summary.backend}): ` +
      `${summary.episodes} episodes, mean return of the last 20 ${summary.meanReturnLast20.toFixed(1)}, ` +
      `${summary.stepsPerSecond.toFixed(0)} steps/s; wrote ${flags.out}\n`,
  );
}

export function register(program: Command): void {
  program
    .command('train')
    .description('Train a PPO agent on a registered environment')
    .requiredOption('--env <id>', 'registered env id, e.g. CartPole-v1')
    .requiredOption('--total-steps <n>', 'environment steps to train for')
    .option('--seed <s>', 'random seed', '1')
    .requiredOption('--out <dir>', 'output directory (metrics.jsonl, checkpoint/, bundle/)')
    .option(
      '--backend <name>',
      `tfjs backend: ${BACKEND_NAMES.join(', ')} (default: first that loads)`,
    )
    .option('--preset <name>', 'cleanrl-discrete, cleanrl-continuous or pendulum-tuned')
    .option('--num-envs <n>', 'parallel envs')
    .option('--num-steps <n>', 'steps per env per rollout')
    .option('--learning-rate <lr>', 'Adam learning rate')
    .option('--gamma <g>', 'discount factor')
    .option('--update-epochs <n>', 'epochs per update')
    .option('--num-minibatches <n>', 'minibatches per epoch')
    .option('--checkpoint-every <n>', 'also checkpoint every n iterations')
    .option('--resume <dir>', 'resume from a checkpoint directory')
    .action((flags: TrainFlags) => train(flags));
}
