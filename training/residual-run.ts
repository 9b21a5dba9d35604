/**
 * Training a residual cluster policy (issue 8): PPO with the per-tenant network on
 * ClusterEnv in residual mode, where a base heuristic (or a composition of heuristics)
 * decides every window and the policy learns corrections of its decision (Silver et al.,
 * "Residual Policy Learning", 2018; Johannink et al., "Residual Reinforcement Learning
 * for Robot Control", ICRA 2019). The actor's last layer starts near zero and its
 * log-std low, so training starts from the base and explores close to it.
 *
 * Episodes run on `governor/ClusterDR-v0` with the family as its only scenario and no
 * perturbation (so they are the family's members as drawn), because that env reports
 * every episode's feature ranges: the bundle records them all in
 * `training.featureRanges`, as `governor export` does, for the controller's guard.
 *
 * Bundle selection: with `validation` scenarios, the policy (acting on its mean) is
 * evaluated on them before training and every `validationEvery` iterations
 * (training/evaluate.ts); the bundle is the best-scoring one (mean over the validation
 * scenarios), so a run that drifts away from its base keeps the better policy it had.
 * The base alone (zero correction) is evaluated once on the same episodes, as the
 * reference the log and the summary show. Without validation the bundle is the last
 * policy. The bundle is written atomically whenever a better policy is found and again
 * at the end, with the feature ranges of the whole run; `lastBundle/` under the output
 * directory holds the latest policy (every `bundleEvery` iterations and at the end).
 *
 * Writes to an output directory: `metrics.jsonl` (one `{step, tag, value}` per line,
 * streamed; validation scores as `eval/<name>/score` and `eval/mean`) and the bundle.
 * The summary holds the training curve as CSV (per iteration, the mean score of the
 * episodes ending in it, and the validation score where one was measured).
 * An edge module: reads the wall clock and writes files.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterEnv, SyncVectorEnv } from '../env/index.js';
import type { ClusterEnvOptions, ClusterKnob, ResidualShield } from '../env/index.js';
import { basePolicySpecs, type BaseSpec } from '../policies/compose.js';
import { selectBackend } from '../agents/backend.js';
import { saveBundle } from '../agents/bundle.js';
import { packedTenantLayout } from '../agents/network-spec.js';
import { Ppo, type Metric } from '../agents/ppo.js';
import { CLEANRL_PPO_CONTINUOUS, type PpoConfig } from '../agents/ppo-config.js';
import type { ClusterBundleCodec } from '../agents/learned-policy.js';
import type { RunningMeanStdState } from '../agents/running-normalizer.js';
import { restoreParameters, serializeParameters } from '../agents/weights-io.js';
import type { SerializedWeights } from '../agents/weights-io.js';
import { InvalidConfigError } from '../sim-cluster/errors.js';
import type { EvalScenario } from './config.js';
import { evaluate } from './evaluate.js';
import { collectDemonstrations, imitate, type ImitationConfig } from './imitation.js';
import { RANDOMIZED_CLUSTER_ENV_ID } from './randomized-cluster-env.js';
import type { RandomizedClusterEnvOptions } from './randomized-cluster-env.js';
import { RangeCollectingVectorEnv, TrainingRanges } from './training-ranges.js';

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
  /** A rate-limit correction a < 0 scales the base's limit by `rateCorrection^a` (> 1). */
  readonly rateCorrection: number;
  /**
   * A rate-limit correction a > 0 scales it by `rateLoosening^a` (>= 1; 1: tighten only;
   * default `rateCorrection`).
   */
  readonly rateLoosening?: number;
  /**
   * The safety shield of rate loosening (ActionCodec's `residualShield`, env/README.md
   * "Residual mode"); absent: loosening is unshielded.
   */
  readonly rateShield?: ResidualShield;
  /** A weight correction a scales the base's weight by `weightCorrection^a` (> 1). */
  readonly weightCorrection: number;
  /** Held-out validation episodes that select the bundle (empty: the last policy). */
  readonly validation: readonly EvalScenario[];
  /** Validate every this many iterations (and before training and at the end). */
  readonly validationEvery: number;
  /**
   * Reward = window score minus the base-alone run's (ClusterEnv's `baseRelativeReward`):
   * the same optimum with far less variance, at twice the simulation cost per step.
   */
  readonly baseRelativeReward: boolean;
  /**
   * The observation also shows the base's decision for the coming window (ClusterEnv's
   * `observeBase`): each tenant's limit against its offered rate and its guarantee.
   */
  readonly observeBase: boolean;
  /**
   * Imitation warm start (training/imitation.ts): the actor first fits the
   * guarantee-share rule's corrections; absent: PPO starts from the base.
   */
  readonly imitation?: ImitationConfig;
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
  rateCorrection: 32,
  weightCorrection: 8,
  validation: [],
  validationEvery: 5,
  baseRelativeReward: false,
  observeBase: false,
};

export interface ResidualTrainSummary {
  readonly globalStep: number;
  readonly episodes: number;
  /** Mean episode score (mean window score) of the last 20 episodes. */
  readonly meanScoreLast20: number;
  readonly stepsPerSecond: number;
  /**
   * `step,episodes,mean_episode_score,validation_score`, one row per iteration in which
   * episodes ended or the policy was validated (empty cells where not).
   */
  readonly curveCsv: string;
  /** The validation score of the base alone (zero correction); null without validation. */
  readonly baseValidationScore: number | null;
  /** The bundle's validation score and global step (null score: no validation). */
  readonly bundleValidationScore: number | null;
  readonly bundleStep: number;
  /** Episodes whose feature ranges the bundle records. */
  readonly featureRangeEpisodes: number;
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
    action: {
      residualRateBase: config.rateCorrection,
      residualRateUpBase: config.rateLoosening ?? config.rateCorrection,
      residualWeightBase: config.weightCorrection,
      ...(config.rateShield === undefined ? {} : { residualShield: config.rateShield }),
    },
    ...(config.baseRelativeReward ? { baseRelativeReward: true } : {}),
    ...(config.observeBase ? { observeBase: true } : {}),
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
  const { scenario, ...cluster } = envOptions;
  const drOptions: RandomizedClusterEnvOptions = {
    cluster,
    stages: [{ fromStep: 0, randomization: { scenarios: [scenario as string] } }],
    stepsPerStep: ppoConfig.numEnvs,
  };
  const probe = new ClusterEnv(envOptions);
  const { globalDim, slotCount, slotDim } = probe.observationCodec.layout;
  const ranges = new TrainingRanges(probe.observationCodec.ranges.names, globalDim);
  const envs = new RangeCollectingVectorEnv(
    SyncVectorEnv.make(RANDOMIZED_CLUSTER_ENV_ID, ppoConfig.numEnvs, {
      autoresetMode: 'same-step',
      makeOptions: { options: drOptions as unknown as Record<string, unknown> },
    }),
    ranges,
  );
  const ppo = new Ppo(envs, ppoConfig, config.seed, {
    kind: 'tenant',
    layout: packedTenantLayout(globalDim, slotCount, slotDim),
    actionsPerTenant: probe.actionCodec.knobsPerTenant,
    hidden: config.hidden,
    initLogStd: config.initLogStd,
  });
  mkdirSync(outDir, { recursive: true });
  const metrics = openSync(join(outDir, 'metrics.jsonl'), 'w');
  const curve = ['step,episodes,mean_episode_score,validation_score'];
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
  const validate = (zero: boolean): number => {
    const byName = evaluate({
      network: zero ? null : ppo.network,
      obsRms: ppo.getState().obsRms,
      clipObservation: ppoConfig.clipObservation,
      cluster,
      scenarios: config.validation,
    });
    for (const [name, v] of byName)
      onMetric({ step: ppo.globalStep, tag: `eval/${name}/score${zero ? '/base' : ''}`, value: v });
    const score = mean([...byName.values()]);
    onMetric({ step: ppo.globalStep, tag: zero ? 'eval/base' : 'eval/mean', value: score });
    return score;
  };
  const codec = (obsRms: RunningMeanStdState | null): ClusterBundleCodec => ({
    env: 'governor/Cluster-v0',
    observation: { ...probe.observationCodec.toJSON(), ranges: ranges.codec.toJSON() },
    action: probe.actionCodec.toJSON(),
    observationNormalization: obsRms,
    clipObservation: ppoConfig.clipObservation,
    base: envOptions.base === undefined ? null : basePolicySpecs(envOptions.base),
  });
  const writeBundle = (dir: string, snapshot: Snapshot) =>
    saveBundle(dir, ppo.network, codec(snapshot.obsRms), {
      algorithm: 'ppo-residual',
      env: 'governor/Cluster-v0',
      envOptions,
      steps: snapshot.step,
      globalStep: snapshot.step,
      totalSteps: config.totalSteps,
      seed: config.seed,
      config,
      ppo: ppoConfig,
      meanScoreLast20: snapshot.meanScoreLast20,
      validationScore: snapshot.validationScore,
      baseValidationScore,
      featureRanges: ranges.toFeatureRanges(),
      featureRangeEpisodes: ranges.episodes,
    });
  const snapshot = (validationScore: number | null): Snapshot => ({
    weights: serializeParameters(ppo.network.parameters),
    obsRms: ppo.getState().obsRms,
    step: ppo.globalStep,
    meanScoreLast20: mean(scores),
    validationScore,
  });
  if (config.imitation !== undefined) {
    if (!ppoConfig.normalizeObservation)
      throw new InvalidConfigError(
        'training config',
        'imitation',
        'needs ppo.normalizeObservation: the warm start sets the observation normaliser',
      );
    const demos = collectDemonstrations(
      envOptions,
      config.imitation,
      ppoConfig.numEnvs,
      config.seed,
    );
    log(
      `imitation: ${demos.count} windows of the guarantee-share rule (noise ${config.imitation.noiseStd}; ` +
        `mean episode score ${demos.meanEpisodeScore.toFixed(4)})`,
    );
    const fit = imitate(
      ppo.network,
      demos,
      config.imitation,
      ppoConfig.clipObservation,
      config.seed,
    );
    ppo.setState({ ...ppo.getState(), obsRms: fit.obsRms });
    fit.losses.forEach((value, epoch) =>
      onMetric({ step: epoch + 1, tag: 'imitation/loss', value }),
    );
    log(
      `imitation: masked squared error ${fit.initialLoss.toFixed(5)} → ${fit.losses.at(-1)!.toFixed(5)} ` +
        `after ${fit.losses.length} epochs (target variance ${fit.targetVariance.toFixed(5)})`,
    );
  }
  const validating = config.validation.length > 0;
  let baseValidationScore: number | null = null;
  let best: Snapshot | null = null;
  const consider = (iteration: number): number | null => {
    if (!validating) return null;
    const score = validate(false);
    const better = best === null || score > best.validationScore!;
    log(
      `validation at ${ppo.globalStep} steps (iteration ${iteration}): ${score.toFixed(4)} ` +
        `(base alone ${baseValidationScore!.toFixed(4)}${better ? '; best so far' : ''})`,
    );
    if (better) {
      best = snapshot(score);
      // Written now as well, so that a run stopped early leaves its best policy.
      writeBundle(bundleDir, best);
    }
    return score;
  };
  const started = clock();
  let lastValidated = -1;
  try {
    if (validating) {
      baseValidationScore = validate(true);
      consider(0);
      curve.push(`0,0,,${best!.validationScore!.toFixed(5)}`);
    }
    await ppo.train({
      totalSteps: config.totalSteps,
      clock,
      onMetric,
      onIteration: (p) => {
        const v =
          config.validationEvery > 0 && p.iteration % config.validationEvery === 0
            ? consider(p.iteration)
            : null;
        if (v !== null) lastValidated = p.globalStep;
        if (iterationScores.length > 0 || v !== null)
          curve.push(
            `${p.globalStep},${iterationScores.length},${iterationScores.length > 0 ? mean(iterationScores).toFixed(5) : ''},${v === null ? '' : v.toFixed(5)}`,
          );
        iterationScores.length = 0;
        const s = mean(scores);
        log(
          `iteration ${p.iteration}: ${p.globalStep} steps, ${episodes} episodes, mean score (last 20) ${s.toFixed(4)}`,
        );
        if (config.bundleEvery > 0 && p.iteration % config.bundleEvery === 0)
          writeBundle(join(outDir, 'lastBundle'), snapshot(v));
      },
    });
    if (validating && lastValidated !== ppo.globalStep) {
      const v = consider(-1);
      curve.push(`${ppo.globalStep},0,,${v!.toFixed(5)}`);
    }
    const last = snapshot(null);
    writeBundle(join(outDir, 'lastBundle'), last);
    const chosen: Snapshot = best ?? last;
    // The chosen policy's weights go back into the network (training is over) so that
    // the bundle is written by the same code path as every other.
    restoreParameters(ppo.network.parameters, chosen.weights, 'the selected policy');
    writeBundle(bundleDir, chosen);
    log(
      `bundle: the policy at ${chosen.step} steps` +
        (chosen.validationScore === null
          ? ''
          : ` (validation ${chosen.validationScore.toFixed(4)}, base alone ${baseValidationScore!.toFixed(4)})`),
    );
    const elapsed = clock() - started;
    return {
      globalStep: ppo.globalStep,
      episodes,
      meanScoreLast20: mean(scores),
      stepsPerSecond: elapsed > 0 ? ppo.globalStep / elapsed : 0,
      curveCsv: `${curve.join('\n')}\n`,
      baseValidationScore,
      bundleValidationScore: chosen.validationScore,
      bundleStep: chosen.step,
      featureRangeEpisodes: ranges.episodes,
    };
  } finally {
    closeSync(metrics);
    await envs.close();
    probe.close();
    ppo.dispose();
  }
}

/** A policy as it was at one point of the run. */
interface Snapshot {
  readonly weights: SerializedWeights;
  readonly obsRms: RunningMeanStdState | null;
  readonly step: number;
  readonly meanScoreLast20: number;
  readonly validationScore: number | null;
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}
