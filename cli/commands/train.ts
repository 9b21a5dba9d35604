/**
 * `governor train --config FILE --out RUN [flags]`: trains a cluster policy as a training
 * config says (flags override its fields); `governor train --resume RUN` continues a
 * stopped run from its last checkpoint. `governor train --env ID --total-steps N --out DIR`
 * trains PPO on any registered env (CartPole-v1, Pendulum-v1...) with a preset.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { BACKEND_NAMES } from '../../agents/backend.js';
import type { BackendName } from '../../agents/backend.js';
import { runTraining } from '../../agents/io/train-run.js';
import type { PpoConfig } from '../../agents/ppo-config.js';
import { UsageError } from '../../sim-cluster/errors.js';
import { loadTrainConfig } from '../../training/config.js';
import type { TrainConfig } from '../../training/config.js';
import { readRun, trainCluster } from '../../training/cluster-run.js';

interface TrainFlags {
  config?: string;
  env?: string;
  totalSteps?: string;
  seed?: string;
  out?: string;
  vector?: string;
  workers?: string;
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

/** The config's fields with the flags given on top. */
function withFlags(config: TrainConfig, flags: TrainFlags): TrainConfig {
  const ppo = { ...config.ppo, ...overrides(flags) };
  if ((ppo.numEnvs * ppo.numSteps) % ppo.numMinibatches !== 0)
    throw new UsageError(
      `--num-minibatches ${ppo.numMinibatches} must divide the batch numEnvs × numSteps = ${ppo.numEnvs * ppo.numSteps}`,
    );
  const vector = {
    mode: flags.vector === undefined ? config.vector.mode : vectorMode(flags.vector),
    workers:
      flags.workers === undefined ? config.vector.workers : integer('workers', flags.workers, 1),
    callerSteps: config.vector.callerSteps,
  };
  if (vector.workers > ppo.numEnvs)
    throw new UsageError(
      `--workers must be at most the ${ppo.numEnvs} envs, got ${vector.workers}`,
    );
  return {
    ...config,
    ppo,
    vector,
    ...(flags.totalSteps ? { totalSteps: integer('total-steps', flags.totalSteps, 1) } : {}),
    ...(flags.seed ? { seed: integer('seed', flags.seed, 0) } : {}),
    ...(flags.checkpointEvery
      ? { checkpointEvery: integer('checkpoint-every', flags.checkpointEvery, 0) }
      : {}),
    ...(flags.backend ? { backend: flags.backend as BackendName } : {}),
  };
}

function vectorMode(text: string): 'sync' | 'async' {
  if (text !== 'sync' && text !== 'async')
    throw new UsageError(`--vector must be sync or async, got ${text}`);
  return text;
}

/** `--config` runs, and `--resume RUN` of a run directory. */
async function trainFromConfig(flags: TrainFlags, resumeRun: boolean): Promise<void> {
  const outDir = resumeRun ? flags.resume! : flags.out;
  if (outDir === undefined) throw new UsageError('--out <dir> is required with --config');
  if (resumeRun && flags.config !== undefined)
    throw new UsageError("--resume RUN continues with the run's own config; drop --config");
  if (resumeRun && flags.out !== undefined && flags.out !== flags.resume)
    throw new UsageError('--resume RUN writes into RUN; drop --out');
  const base = resumeRun ? readRun(outDir) : loadTrainConfig(flags.config!);
  const config = withFlags(base, flags);
  const summary = await trainCluster({ config, outDir, resume: resumeRun });
  process.stdout.write(
    `trained ${summary.globalStep} steps (${summary.backend}): ${summary.episodes} episodes, ` +
      `mean return of the last 20 ${summary.meanReturnLast20.toFixed(2)}, ` +
      `${summary.stepsPerSecond.toFixed(0)} steps/s; wrote ${outDir} (bundle: ${outDir}/bundle)\n`,
  );
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
  const resumeRun = flags.resume !== undefined && existsSync(join(flags.resume, 'run.json'));
  if (flags.config !== undefined || resumeRun) return trainFromConfig(flags, resumeRun);
  if (flags.env === undefined) throw new UsageError('give --config FILE (or --env ID)');
  for (const [flag, value] of [
    ['total-steps', flags.totalSteps],
    ['out', flags.out],
  ] as const)
    if (value === undefined) throw new UsageError(`--${flag} is required with --env`);
  const summary = await runTraining({
    envId: flags.env,
    totalSteps: integer('total-steps', flags.totalSteps!, 1),
    seed: integer('seed', flags.seed ?? '1', 0),
    outDir: flags.out!,
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
    .description('Train a cluster policy from a config (or PPO on any registered env)')
    .option('--config <file>', 'training config (YAML, see docs/training.md); flags override it')
    .option('--env <id>', 'without --config: a registered env id, e.g. CartPole-v1')
    .option('--total-steps <n>', 'environment steps to train for')
    .option('--seed <s>', "random seed (default: the config's, else 1)")
    .option(
      '--out <dir>',
      'run directory (run.json, metrics.jsonl, TensorBoard events, checkpoint/, bundle/)',
    )
    .option('--vector <mode>', 'sync or async (worker threads)')
    .option('--workers <n>', 'worker threads with --vector async')
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
    .option('--checkpoint-every <n>', 'checkpoint every n iterations (0: only at the end)')
    .option(
      '--resume <run>',
      'continue a stopped run (a run directory; or, with --env, a checkpoint)',
    )
    .action((flags: TrainFlags) => train(flags));
}
