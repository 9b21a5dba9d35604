/**
 * Imitation warm start of a residual policy (behaviour cloning; Ross & Bagnell 2010 on
 * its limits): before PPO, the actor's mean is fitted to a teacher's corrections — the
 * guarantee-share rule (agents/guarantee-share.ts) — on states the teacher visits, so PPO
 * starts from the rule instead of from the base and explores around it. PPO may then
 * improve on the rule or drift from it; the run's validation picks the best policy, the
 * warm-started one included (its validation at step 0).
 *
 * Demonstrations: `steps` windows of ClusterEnvs on the training family, each acting
 * with the teacher's correction plus Gaussian noise of `noiseStd` (clipped to the action
 * box), so that the states cover some of what a noisy policy will visit; the target is
 * always the teacher's noiseless correction of the state seen. Observations are the raw
 * codec outputs; the agent's observation normaliser is set to their statistics, and the
 * network learns on observations normalised by it, as PPO will feed them.
 *
 * Loss: the mean squared error between the actor's mean and the target over the action
 * entries of occupied tenant slots (padding masked out), Adam with PPO's epsilon.
 */
import * as tf from '@tensorflow/tfjs';
import type { ActorCritic } from '../agents/actor-critic.js';
import { Adam } from '../agents/adam.js';
import { sampleStandardNormal } from '../agents/distributions.js';
import { GuaranteeShareRule } from '../agents/guarantee-share.js';
import {
  RunningMeanStd,
  normalizeRows,
  type RunningMeanStdState,
} from '../agents/running-normalizer.js';
import { ClusterEnv, type ClusterEnvOptions } from '../env/index.js';
import { InvalidConfigError } from '../sim-cluster/errors.js';
import { RngStream } from '../sim-cluster/rng.js';

/** The imitation phase's settings (`imitation` in a residual training config). */
export interface ImitationConfig {
  /** Demonstration windows (env steps) collected before training. */
  readonly steps: number;
  /** Passes over the demonstrations. */
  readonly epochs: number;
  /** Demonstrations per gradient step. */
  readonly minibatchSize: number;
  readonly learningRate: number;
  /** Standard deviation of the noise added to the teacher's action while collecting. */
  readonly noiseStd: number;
}

export const IMITATION_DEFAULTS: ImitationConfig = {
  steps: 8192,
  epochs: 20,
  minibatchSize: 256,
  learningRate: 1e-3,
  noiseStd: 0.2,
};

/** Checks an `imitation` mapping of `file`, filling defaults; errors name the field. */
export function parseImitation(value: unknown, file: string): ImitationConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidConfigError(
      file,
      'imitation',
      `must be a mapping, got ${JSON.stringify(value)}`,
    );
  const out: Record<string, number> = { ...IMITATION_DEFAULTS };
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(key in IMITATION_DEFAULTS))
      throw new InvalidConfigError(
        file,
        `imitation.${key}`,
        `unknown field (known: ${Object.keys(IMITATION_DEFAULTS).join(', ')})`,
      );
    const integer = key === 'steps' || key === 'epochs' || key === 'minibatchSize';
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (integer ? Number.isSafeInteger(v) && v > 0 : key === 'noiseStd' ? v >= 0 : v > 0);
    if (!ok)
      throw new InvalidConfigError(
        file,
        `imitation.${key}`,
        `must be ${integer ? 'a positive integer' : key === 'noiseStd' ? 'a number >= 0' : 'a positive number'}, got ${JSON.stringify(v)}`,
      );
    out[key] = v as number;
  }
  return out as unknown as ImitationConfig;
}

/** Demonstrations: raw observations, the teacher's targets, and the occupied entries. */
export interface Demonstrations {
  readonly count: number;
  readonly observationDim: number;
  readonly actionDim: number;
  readonly observations: Float32Array;
  readonly targets: Float32Array;
  /** 1 for an action entry of an occupied tenant slot, 0 for padding. */
  readonly weights: Float32Array;
  /** Mean episode score (mean window score) of the demonstrations' complete episodes. */
  readonly meanEpisodeScore: number;
}

/**
 * Collects `config.steps` windows with the guarantee-share rule acting (plus noise), on
 * `numEnvs` ClusterEnvs built from `envOptions` (residual mode), seeded from `seed`.
 */
export function collectDemonstrations(
  envOptions: ClusterEnvOptions,
  config: ImitationConfig,
  numEnvs: number,
  seed: number,
): Demonstrations {
  const rng = new RngStream(seed, 'imitation/noise');
  const envs = Array.from(
    { length: numEnvs },
    () => new ClusterEnv({ ...envOptions, baseRelativeReward: false }),
  );
  const first = envs[0]!;
  const dim = first.observationCodec.size;
  const width = first.actionCodec.actionSize;
  const k = first.actionCodec.knobsPerTenant;
  const { maskOffset } = first.observationCodec.layout;
  const rule = new GuaranteeShareRule(first.actionCodec);
  const n = config.steps;
  const observations = new Float32Array(n * dim);
  const targets = new Float32Array(n * width);
  const weights = new Float32Array(n * width);
  const current = envs.map((env, i) => env.reset({ seed: seed * 1000 + i }).observation);
  const executed = new Float32Array(width);
  const episodeScore = new Float64Array(numEnvs);
  const episodeSteps = new Int32Array(numEnvs);
  let scoreSum = 0;
  let episodes = 0;
  let count = 0;
  try {
    while (count < n) {
      for (let e = 0; e < numEnvs && count < n; e++, count++) {
        const env = envs[e]!;
        const obs = current[e]!;
        observations.set(obs, count * dim);
        const target = targets.subarray(count * width, (count + 1) * width);
        rule.actionInto(env.lastSignals!, env.pendingBaseDecision!, target);
        for (let j = 0; j < width; j++) {
          weights[count * width + j] = obs[maskOffset + Math.floor(j / k)]!;
          const a = target[j]! + config.noiseStd * sampleStandardNormal(rng);
          executed[j] = a < -1 ? -1 : a > 1 ? 1 : a;
        }
        const r = env.step(executed);
        episodeScore[e] = episodeScore[e]! + r.info.score;
        episodeSteps[e] = episodeSteps[e]! + 1;
        if (r.terminated || r.truncated) {
          scoreSum += episodeScore[e]! / episodeSteps[e]!;
          episodes++;
          episodeScore[e] = 0;
          episodeSteps[e] = 0;
          current[e] = env.reset().observation;
        } else current[e] = r.observation;
      }
    }
  } finally {
    for (const env of envs) env.close();
  }
  return {
    count: n,
    observationDim: dim,
    actionDim: width,
    observations,
    targets,
    weights,
    meanEpisodeScore: episodes > 0 ? scoreSum / episodes : NaN,
  };
}

/** What `imitate` reports. */
export interface ImitationResult {
  /** The observation statistics of the demonstrations (the agent's normaliser state). */
  readonly obsRms: RunningMeanStdState;
  /** Masked mean squared error after each epoch, on all demonstrations. */
  readonly losses: readonly number[];
  /** The same error of the network before imitation (its mean action near 0). */
  readonly initialLoss: number;
  /** Masked variance of the targets: the error of predicting their mean. */
  readonly targetVariance: number;
}

/**
 * Fits the actor's mean to the demonstrations' targets (the critic and the log-std are
 * untouched). Observations are normalised with statistics computed from them (returned,
 * for the agent's normaliser) and clipped to ±`clipObservation`.
 */
export function imitate(
  network: ActorCritic,
  demos: Demonstrations,
  config: ImitationConfig,
  clipObservation: number,
  seed: number,
): ImitationResult {
  const { count, observationDim: dim, actionDim: width } = demos;
  const rms = new RunningMeanStd(dim);
  rms.update(demos.observations, count);
  const normalized = new Float32Array(count * dim);
  normalizeRows(rms, demos.observations, normalized, clipObservation);
  const rng = new RngStream(seed, 'imitation/minibatches');
  const optimizer = new Adam(network.parameters, { epsilon: 1e-5 });
  const variables = network.parameters.map((p) => p.variable);
  const nameOf = new Map(network.parameters.map((p) => [p.variable.name, p.name]));
  const obs = tf.tensor2d(normalized, [count, dim]);
  const targets = tf.tensor2d(demos.targets, [count, width]);
  const weights = tf.tensor2d(demos.weights, [count, width]);
  const squaredError = (o: tf.Tensor2D, t: tf.Tensor2D, w: tf.Tensor2D) => {
    const out = network.forward(o);
    if (out.dist.kind !== 'gaussian')
      throw new InvalidConfigError('training config', 'imitation', 'needs a Gaussian policy');
    const err = tf.sum(tf.mul(w, tf.square(tf.sub(out.dist.mean, t))));
    // Every parameter needs a gradient for Adam: the critic and log-std get zeros.
    const zero = tf.mul(0, tf.add(tf.sum(out.value), tf.sum(out.dist.logStd)));
    return { err, zero };
  };
  const fullLoss = (): number =>
    tf.tidy(() => {
      const { err } = squaredError(obs, targets, weights);
      return tf.div(err, tf.maximum(tf.sum(weights), 1)).dataSync()[0]!;
    });
  const targetVariance = maskedVariance(demos);
  const initialLoss = fullLoss();
  const losses: number[] = [];
  const size = Math.min(config.minibatchSize, count);
  const order = new Int32Array(count);
  try {
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      for (let i = 0; i < count; i++) order[i] = i;
      for (let i = count - 1; i > 0; i--) {
        const j = rng.nextInt(i + 1);
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
      for (let start = 0; start + size <= count; start += size) {
        tf.tidy(() => {
          const idx = tf.tensor1d(order.subarray(start, start + size), 'int32');
          const o = tf.gather(obs, idx) as tf.Tensor2D;
          const t = tf.gather(targets, idx) as tf.Tensor2D;
          const w = tf.gather(weights, idx) as tf.Tensor2D;
          const { grads } = tf.variableGrads(() => {
            const { err, zero } = squaredError(o, t, w);
            return tf.add(tf.div(err, tf.maximum(tf.sum(w), 1)), zero) as tf.Scalar;
          }, variables);
          const named: tf.NamedTensorMap = {};
          for (const [varName, g] of Object.entries(grads)) named[nameOf.get(varName)!] = g;
          optimizer.apply(named, config.learningRate);
        });
      }
      losses.push(fullLoss());
    }
  } finally {
    tf.dispose([obs, targets, weights]);
    optimizer.dispose();
  }
  return { obsRms: rms.getState(), losses, initialLoss, targetVariance };
}

/** Variance of the targets over the occupied entries. */
function maskedVariance(demos: Demonstrations): number {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < demos.targets.length; i++) {
    const w = demos.weights[i]!;
    if (w === 0) continue;
    const t = demos.targets[i]!;
    n += w;
    sum += t;
    sq += t * t;
  }
  if (n === 0) return 0;
  const m = sum / n;
  return sq / n - m * m;
}
