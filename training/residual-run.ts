/**
 * Training a residual cluster policy (issue 8): PPO with the per-tenant network on
 * ClusterEnv in residual mode, where a base heuristic (or a composition of heuristics)
 * decides every window and the policy learns corrections of its decision (Silver et al.,
 * "Residual Policy Learning", 2018; Johannink et al., "Residual Reinforcement Learning
 * for Robot Control", ICRA 2019). The actor's last layer starts near zero and its
 * log-std low, so training starts from the base and explores close to it.
 *
 * Writes to an output directory: `metrics.jsonl` (one `{step, tag, value}` per line,
 * streamed) and the policy bundle (`bundle/` unless `bundleDir` says otherwise),
 * rewritten atomically every `bundleEvery` iterations and at the end. The summary holds
 * the training curve as CSV (per iteration, the mean score of the episodes ending in it).
 * An edge module: reads the wall clock and writes files.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterEnv, SyncVectorEnv } from '../env/index.js';
import type { ClusterEnvOptions, ClusterKnob } from '../env/index.js';
import { basePolicySpecs, type BaseSpec } from '../policies/compose.js';
import { selectBackend } from '../agents/backend.js';
import { saveBundle } from '../agents/bundle.js';
import { packedTenantLayout } from '../agents/network-spec.js';
import { Ppo, type Metric } from '../agents/ppo.js';
import { CLEANRL_PPO_CONTINUOUS, type PpoConfig } from '../agents/ppo-config.js';
import type { ClusterBundleCodec } from '../agents/learned-policy.js';
import { InvalidConfigError } from '../sim-cluster/errors.js';

export interface ResidualTrainConfig {
  /** Scenario family (file path or bundled name) episodes are drawn from. */
  readonly scenario: string;
  /** The base policy or composition the action corrects. */
  readonly base: BaseSpec;
  readonly episodeWindows: number;
  readonly warmupWindows: number;
  readonly maxTenants: number;
  /** The knobs the policy corrects (ClusterEnv's `knobs`). */
  readonly knobs: readonly ClusterKnob[];
  readonly totalSteps: number;
  readonly seed: number;
  /** Width of the per-tenant network. */
  readonly hidden: number;
  /** Initial log standard deviation of the Gaussian policy. */
  readonly initLogStd: number;
  /** PPO settings over CleanRL's continuous-action defaults. */
  readonly ppo: Partial<PpoConfig>;
  /** Rewrite the bundle every this many iterations (0: only at the end). */
  readonly bundleEvery: number;
}

export const RESIDUAL_TRAIN_DEFAULTS: ResidualTrainConfig = {
  scenario: 'training/families/stress.yaml',
  base: [{ policy: 'retro-drf' }, { policy: 'breakwater' }],
  episodeWindows: 100,
  warmupWindows: 5,
  maxTenants: 8,
  knobs: ['rateLimit', 'weight'],
  totalSteps: 100_000,
  seed: 1,
  hidden: 64,
  initLogStd: -2,
  ppo: {
    numEnvs: 8,
    numSteps: 50,
    numMinibatches: 4,
    updateEpochs: 4,
    learningRate: 3e-4,
    gamma: 0.95,
    gaeLambda: 0.9,
    hidden: [64],
  },
  bundleEvery: 5,
};

export interface ResidualTrainSummary {
  readonly globalStep: number;
  readonly episodes: number;
  /** Mean episode score (mean window score) of the last 20 episodes. */
  readonly meanScoreLast20: number;
  readonly stepsPerSecond: number;
  /** `step,episodes,mean_episode_score`, one row per iteration in which episodes ended. */
  readonly curveCsv: string;
}

/** The env options of a residual training run (also what its bundle records). */
export function residualEnvOptions(config: ResidualTrainConfig): ClusterEnvOptions {
  return {
    scenario: config.scenario,
    base: basePolicySpecs(config.base, 'training config'),
    episodeWindows: config.episodeWindows,
    warmupWindows: config.warmupWindows,
    maxTenants: config.maxTenants,
    knobs: config.knobs,
  };
}

/** Trains as `config` says, writing metrics and the bundle under `outDir`. */
export async function trainResidual(
  config: ResidualTrainConfig,
  outDir: string,
  options: { clock?: () => number; log?: (line: string) => void; bundleDir?: string } = {},
): Promise<ResidualTrainSummary> {
  const bundleDir = options.bundleDir ?? join(outDir, 'bundle');
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = options.clock ?? (() => 0);
  if (!(config.totalSteps > 0))
    throw new InvalidConfigError('training config', 'totalSteps', 'must be positive');
  await selectBackend({ log });
  const ppoConfig: PpoConfig = {
    ...CLEANRL_PPO_CONTINUOUS,
    normalizeObservation: true,
    normalizeReward: true,
    clipAction: true,
    ...config.ppo,
  };
  const envOptions = residualEnvOptions(config);
  const envs = SyncVectorEnv.make('governor/Cluster-v0', ppoConfig.numEnvs, {
    autoresetMode: 'same-step',
    makeOptions: { options: envOptions as Record<string, unknown> },
  });
  const probe = new ClusterEnv(envOptions);
  const { globalDim, slotCount, slotDim } = probe.observationCodec.layout;
  const ppo = new Ppo(envs, ppoConfig, config.seed, {
    kind: 'tenant',
    layout: packedTenantLayout(globalDim, slotCount, slotDim),
    actionsPerTenant: probe.actionCodec.knobsPerTenant,
    hidden: config.hidden,
    initLogStd: config.initLogStd,
  });
  mkdirSync(outDir, { recursive: true });
  const metrics = openSync(join(outDir, 'metrics.jsonl'), 'w');
  const curve = ['step,episodes,mean_episode_score'];
  const scores: number[] = [];
  const iterationScores: number[] = [];
  let episodes = 0;
  const onMetric = (m: Metric) => {
    writeSync(metrics, `${JSON.stringify(m)}\n`);
    if (m.tag === 'charts/episodic_return') {
      episodes++;
      iterationScores.push(m.value / config.episodeWindows);
      scores.push(m.value / config.episodeWindows);
      if (scores.length > 20) scores.shift();
    }
  };
  const codec = (): ClusterBundleCodec => ({
    env: 'governor/Cluster-v0',
    observation: probe.observationCodec.toJSON(),
    action: probe.actionCodec.toJSON(),
    observationNormalization: ppo.getState().obsRms,
    clipObservation: ppoConfig.clipObservation,
    base: envOptions.base === undefined ? null : basePolicySpecs(envOptions.base),
  });
  const writeBundle = () =>
    saveBundle(bundleDir, ppo.network, codec(), {
      algorithm: 'ppo-residual',
      env: 'governor/Cluster-v0',
      envOptions,
      steps: ppo.globalStep,
      seed: config.seed,
      config,
      ppo: ppoConfig,
      meanScoreLast20: mean(scores),
    });
  const started = clock();
  try {
    await ppo.train({
      totalSteps: config.totalSteps,
      clock,
      onMetric,
      onIteration: (p) => {
        if (iterationScores.length > 0)
          curve.push(
            `${p.globalStep},${iterationScores.length},${mean(iterationScores).toFixed(5)}`,
          );
        iterationScores.length = 0;
        const s = mean(scores);
        log(
          `iteration ${p.iteration}: ${p.globalStep} steps, ${episodes} episodes, mean score (last 20) ${s.toFixed(4)}`,
        );
        if (config.bundleEvery > 0 && p.iteration % config.bundleEvery === 0) writeBundle();
      },
    });
    writeBundle();
  } finally {
    closeSync(metrics);
    await envs.close();
    probe.close();
  }
  const elapsed = clock() - started;
  const summary = {
    globalStep: ppo.globalStep,
    episodes,
    meanScoreLast20: mean(scores),
    stepsPerSecond: elapsed > 0 ? ppo.globalStep / elapsed : 0,
    curveCsv: `${curve.join('\n')}\n`,
  };
  ppo.dispose();
  return summary;
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}
