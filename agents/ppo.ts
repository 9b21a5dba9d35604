/**
 * Proximal Policy Optimization (Schulman et al. 2017) after CleanRL's ppo.py and
 * ppo_continuous_action.py, reading top to bottom: rollout, advantages, update, logs.
 *
 * Differences from CleanRL, each on purpose: GAE bootstraps on truncated episodes with the
 * value of their final observation (CleanRL treats truncation as termination); the
 * observation and reward normalisation of its wrappers is applied here to the batched
 * buffers (their statistics then travel in checkpoints); random draws come from seeded
 * streams, one per concern and iteration, so a run resumed from a checkpoint draws what
 * the uninterrupted run would have drawn.
 */
import type { VectorEnv } from '../env/index.js';
import { flattenInto } from '../env/index.js';
import { InvalidArgumentError } from '../sim-cluster/errors.js';
import { RngStream } from '../sim-cluster/rng.js';
import { act, drawNoise, evaluateValues, noiseWidth } from './act.js';
import { createActorCritic, disposeActorCritic } from './actor-critic.js';
import type { ActorCritic } from './actor-critic.js';
import { Adam } from './adam.js';
import { computeGae } from './gae.js';
import { annealedLearningRate } from './lr-schedule.js';
import type { NetworkSpec } from './network-spec.js';
import type { PpoConfig } from './ppo-config.js';
import { updatePolicy } from './ppo-update.js';
import { RolloutBuffer } from './rollout-buffer.js';
import { RewardNormalizer, RunningMeanStd, normalizeRows } from './running-normalizer.js';
import type { RunningMeanStdState } from './running-normalizer.js';

/** One logged scalar, as written to metrics.jsonl. */
export interface Metric {
  /** Environment steps so far (all envs together). */
  readonly step: number;
  /** Namespaced name, e.g. `charts/episodic_return`, `losses/approx_kl`. */
  readonly tag: string;
  readonly value: number;
}

export interface TrainOptions {
  /** Environment steps to train for; iterations = max(1, floor(totalSteps / batch)). */
  readonly totalSteps: number;
  readonly onMetric?: (metric: Metric) => void;
  /** Called after each iteration (e.g. to checkpoint); awaited. */
  readonly onIteration?: (ppo: Ppo) => void | Promise<void>;
  /** Wall-clock seconds, injected at the edge (for charts/SPS only). */
  readonly clock?: () => number;
}

/** The trainer's resumable state (network and optimiser are saved separately). */
export interface PpoState {
  readonly iteration: number;
  readonly globalStep: number;
  readonly obsRms: RunningMeanStdState | null;
  readonly returnRms: RunningMeanStdState | null;
}

/** How actions are laid out for the env: discrete `start` offset or Box bounds to clip to. */
interface ActionAdapter {
  readonly spec: NetworkSpec;
  readonly toEnv: (actions: Float32Array, out: Float64Array) => void;
}

function adaptActions(envs: VectorEnv, config: PpoConfig): ActionAdapter {
  const space = envs.singleActionSpace as unknown as Record<string, unknown>;
  const base = { kind: 'mlp' as const, observationDim: envs.obsDim, hidden: config.hidden };
  if (space.kind === 'discrete') {
    const start = Number(space.start ?? 0);
    return {
      spec: { ...base, action: { kind: 'discrete', n: Number(space.n) } },
      toEnv: (a, out) => a.forEach((x, i) => (out[i] = x + start)),
    };
  }
  if (space.kind === 'box') {
    const low = space.low as Float64Array;
    const high = space.high as Float64Array;
    const d = envs.actionDim;
    const clip = config.clipAction;
    return {
      spec: { ...base, action: { kind: 'continuous', dim: d } },
      toEnv: (a, out) =>
        a.forEach((x, i) => (out[i] = clip ? Math.min(high[i % d]!, Math.max(low[i % d]!, x)) : x)),
    };
  }
  throw new InvalidArgumentError(
    `PPO supports Discrete and Box actions, got ${String(space.kind)}`,
  );
}

export class Ppo {
  readonly network: ActorCritic;
  readonly optimizer: Adam;
  readonly batchSize: number;
  iteration = 0;
  globalStep = 0;
  private readonly actions: ActionAdapter;
  private readonly obsRms: RunningMeanStd | null;
  private readonly rewardNormalizer: RewardNormalizer | null;
  private readonly buffer: RolloutBuffer;
  private readonly root: RngStream;

  constructor(
    readonly envs: VectorEnv,
    readonly config: PpoConfig,
    readonly seed: number,
    network?: NetworkSpec,
  ) {
    if (envs.autoresetMode !== 'same-step') {
      throw new InvalidArgumentError(
        `PPO needs a vector env in same-step autoreset mode, got ${envs.autoresetMode}`,
      );
    }
    if (envs.numEnvs !== config.numEnvs) {
      throw new InvalidArgumentError(
        `config.numEnvs is ${config.numEnvs} but the vector env has ${envs.numEnvs}`,
      );
    }
    this.root = new RngStream(seed, 'ppo');
    this.actions = adaptActions(envs, config);
    this.network = createActorCritic(network ?? this.actions.spec, this.root.fork('init'));
    this.optimizer = new Adam(this.network.parameters, { epsilon: config.adamEpsilon });
    this.batchSize = config.numEnvs * config.numSteps;
    this.obsRms = config.normalizeObservation ? new RunningMeanStd(envs.obsDim) : null;
    this.rewardNormalizer = config.normalizeReward
      ? new RewardNormalizer(config.numEnvs, config.gamma, config.clipReward)
      : null;
    this.buffer = new RolloutBuffer(config.numSteps, config.numEnvs, envs.obsDim, envs.actionDim);
  }

  /** Trains for `options.totalSteps` environment steps (CleanRL's main loop). */
  async train(options: TrainOptions): Promise<void> {
    const { config, envs, buffer } = this;
    const n = config.numEnvs;
    const emit = options.onMetric ?? (() => {});
    const clock = options.clock ?? (() => 0);
    const numIterations = Math.max(1, Math.floor(options.totalSteps / this.batchSize));
    const startTime = clock();
    const startStep = this.globalStep;
    const episodeReturn = new Float64Array(n);
    const episodeLength = new Int32Array(n);
    const envActions = new Float64Array(n * envs.actionDim);
    const rewards = new Float32Array(n);
    const ended = new Uint8Array(n);
    const noise = new Float32Array(n * noiseWidth(this.network));

    const reset = await envs.reset({ seed: this.seed + this.iteration * 7919 });
    let nextObs = this.normalizeObservations(reset.observations, true);

    for (let iteration = this.iteration + 1; iteration <= numIterations; iteration++) {
      const lr = config.annealLr
        ? annealedLearningRate(config.learningRate, iteration, numIterations)
        : config.learningRate;
      const policyRng = this.root.fork(`policy/${iteration}`);

      // ---- Rollout: one batched forward pass per step for all envs -------------------
      for (let step = 0; step < config.numSteps; step++) {
        this.globalStep += n;
        buffer.observations.set(nextObs, step * n * envs.obsDim);
        drawNoise(this.network, policyRng, noise);
        const chosen = act(this.network, nextObs, n, noise);
        buffer.actions.set(chosen.actions, step * n * envs.actionDim);
        buffer.logProbs.set(chosen.logProbs, step * n);
        buffer.values.set(chosen.values, step * n);

        this.actions.toEnv(chosen.actions, envActions);
        const result = await envs.step(envActions);
        for (let e = 0; e < n; e++) ended[e] = result.terminated[e]! | result.truncated[e]!;
        if (this.rewardNormalizer) this.rewardNormalizer.normalize(result.rewards, ended, rewards);
        else rewards.set(result.rewards);
        buffer.rewards.set(rewards, step * n);
        buffer.terminated.set(result.terminated, step * n);
        buffer.truncated.set(result.truncated, step * n);
        this.recordFinalValues(step, result.terminated, result.truncated, result);
        nextObs = this.normalizeObservations(result.observations, true);

        for (let e = 0; e < n; e++) {
          episodeReturn[e] = episodeReturn[e]! + result.rewards[e]!;
          episodeLength[e] = episodeLength[e]! + 1;
          if (ended[e] === 0) continue;
          emit({ step: this.globalStep, tag: 'charts/episodic_return', value: episodeReturn[e]! });
          emit({ step: this.globalStep, tag: 'charts/episodic_length', value: episodeLength[e]! });
          episodeReturn[e] = 0;
          episodeLength[e] = 0;
        }
      }

      // ---- Advantages: GAE, bootstrapping on truncation -----------------------------
      const { advantages, returns } = computeGae({
        numEnvs: n,
        rewards: buffer.rewards,
        values: buffer.values,
        terminated: buffer.terminated,
        truncated: buffer.truncated,
        finalValues: buffer.finalValues,
        lastValues: evaluateValues(this.network, nextObs, n),
        gamma: config.gamma,
        lambda: config.gaeLambda,
      });

      // ---- Update: epochs of shuffled minibatches -----------------------------------
      const stats = updatePolicy({
        network: this.network,
        optimizer: this.optimizer,
        config,
        buffer,
        advantages,
        returns,
        learningRate: lr,
        rng: this.root.fork(`minibatch/${iteration}`),
      });
      this.iteration = iteration;

      // ---- Logs ----------------------------------------------------------------------
      const s = this.globalStep;
      emit({ step: s, tag: 'charts/learning_rate', value: lr });
      emit({ step: s, tag: 'losses/value_loss', value: stats.vLoss });
      emit({ step: s, tag: 'losses/policy_loss', value: stats.pgLoss });
      emit({ step: s, tag: 'losses/entropy', value: stats.entropy });
      emit({ step: s, tag: 'losses/old_approx_kl', value: stats.oldApproxKl });
      emit({ step: s, tag: 'losses/approx_kl', value: stats.approxKl });
      emit({ step: s, tag: 'losses/clipfrac', value: stats.clipFrac });
      emit({ step: s, tag: 'losses/explained_variance', value: stats.explainedVariance });
      const elapsed = clock() - startTime;
      if (elapsed > 0) emit({ step: s, tag: 'charts/SPS', value: (s - startStep) / elapsed });
      await options.onIteration?.(this);
    }
  }

  /** Normalises (and optionally folds into the statistics) a batch of observations. */
  private normalizeObservations(raw: ArrayLike<number>, update: boolean): Float32Array {
    const out = new Float32Array(raw.length);
    if (this.obsRms === null) {
      out.set(raw);
      return out;
    }
    if (update) this.obsRms.update(raw, raw.length / this.obsRms.dim);
    normalizeRows(this.obsRms, raw, out, this.config.clipObservation);
    return out;
  }

  /** V(final observation) for the envs truncated (and not terminated) at `step`. */
  private recordFinalValues(
    step: number,
    terminated: Uint8Array,
    truncated: Uint8Array,
    // The step result itself: an AsyncVectorEnv fetches infos from its workers when read.
    result: { readonly infos: readonly { finalObservation?: unknown }[] },
  ): void {
    const n = this.config.numEnvs;
    const d = this.envs.obsDim;
    for (let e = 0; e < n; e++) {
      const row = step * n + e;
      this.buffer.finalValues[row] = 0;
      if (truncated[e] === 0 || terminated[e] === 1) continue;
      const raw = new Float64Array(d);
      flattenInto(this.envs.singleObservationSpace, result.infos[e]?.finalObservation, raw, 0);
      const obs = this.normalizeObservations(raw, false);
      this.buffer.finalValues[row] = evaluateValues(this.network, obs, 1)[0]!;
    }
  }

  /** Releases the network's and the optimiser's tensors (the env is the caller's). */
  dispose(): void {
    disposeActorCritic(this.network);
    this.optimizer.dispose();
  }

  getState(): PpoState {
    return {
      iteration: this.iteration,
      globalStep: this.globalStep,
      obsRms: this.obsRms?.getState() ?? null,
      returnRms: this.rewardNormalizer?.returnRms.getState() ?? null,
    };
  }

  setState(state: PpoState): void {
    this.iteration = state.iteration;
    this.globalStep = state.globalStep;
    if (state.obsRms && this.obsRms) this.obsRms.setState(state.obsRms);
    if (state.returnRms && this.rewardNormalizer)
      this.rewardNormalizer.returnRms.setState(state.returnRms);
  }
}
