/**
 * PPO's optimisation phase: `updateEpochs` passes over the rollout in shuffled
 * minibatches, each a clipped-surrogate + value + entropy loss, a global-norm-clipped
 * gradient and an Adam step (CleanRL ppo.py, "Optimizing the policy and value network").
 */
import * as tf from '@tensorflow/tfjs';
import type { RngStream } from '../sim-cluster/rng.js';
import type { ActorCritic } from './actor-critic.js';
import type { Adam } from './adam.js';
import { entropy, logProb } from './distributions.js';
import type { PpoConfig } from './ppo-config.js';
import {
  approxKl,
  clipFraction,
  clippedSurrogateLoss,
  normalizeAdvantages,
  valueLoss,
} from './ppo-losses.js';
import type { RolloutBuffer } from './rollout-buffer.js';
import { shuffledIndices } from './rollout-buffer.js';

/** What CleanRL logs after an update (losses of the last minibatch, clip fraction averaged). */
export interface UpdateStats {
  readonly pgLoss: number;
  readonly vLoss: number;
  readonly entropy: number;
  readonly oldApproxKl: number;
  readonly approxKl: number;
  readonly clipFrac: number;
  readonly explainedVariance: number;
}

interface Batch {
  readonly obs: tf.Tensor2D;
  readonly actions: tf.Tensor;
  readonly logProbs: tf.Tensor1D;
  readonly advantages: tf.Tensor1D;
  readonly returns: tf.Tensor1D;
  readonly values: tf.Tensor1D;
}

function batchTensors(
  buffer: RolloutBuffer,
  advantages: Float32Array,
  returns: Float32Array,
  discrete: boolean,
): Batch {
  const n = buffer.size;
  return {
    obs: tf.tensor2d(buffer.observations, [n, buffer.obsDim]),
    actions: discrete
      ? tf.tensor1d(Int32Array.from(buffer.actions), 'int32')
      : tf.tensor2d(buffer.actions, [n, buffer.actionDim]),
    logProbs: tf.tensor1d(buffer.logProbs),
    advantages: tf.tensor1d(advantages),
    returns: tf.tensor1d(returns),
    values: tf.tensor1d(buffer.values),
  };
}

/** 1 - Var(returns - values) / Var(returns): how much of the return V explains. */
export function explainedVariance(values: Float32Array, returns: Float32Array): number {
  const n = returns.length;
  const mean = (xs: ArrayLike<number>, f: (i: number) => number) => {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += f(i);
    return s / n;
  };
  const my = mean(returns, (i) => returns[i]!);
  const varY = mean(returns, (i) => (returns[i]! - my) ** 2);
  const md = mean(returns, (i) => returns[i]! - values[i]!);
  const varD = mean(returns, (i) => (returns[i]! - values[i]! - md) ** 2);
  return varY === 0 ? NaN : 1 - varD / varY;
}

export interface UpdateArgs {
  readonly network: ActorCritic;
  readonly optimizer: Adam;
  readonly config: PpoConfig;
  readonly buffer: RolloutBuffer;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
  readonly learningRate: number;
  /** Shuffles the minibatches (the `minibatch` concern). */
  readonly rng: RngStream;
}

/** Runs the epochs of one PPO iteration and returns the logged statistics. */
export function updatePolicy(args: UpdateArgs): UpdateStats {
  const { network, config, buffer } = args;
  const discrete = network.spec.kind === 'mlp' && network.spec.action.kind === 'discrete';
  const batch = batchTensors(buffer, args.advantages, args.returns, discrete);
  const variables = network.parameters.map((p) => p.variable);
  const nameOf = new Map(network.parameters.map((p) => [p.variable.name, p.name]));
  const minibatchSize = Math.floor(buffer.size / config.numMinibatches);
  let last = [0, 0, 0, 0, 0];
  let clipFracSum = 0;
  let minibatches = 0;
  for (let epoch = 0; epoch < config.updateEpochs; epoch++) {
    const order = shuffledIndices(buffer.size, (k) => args.rng.nextInt(k));
    for (let start = 0; start + minibatchSize <= buffer.size; start += minibatchSize) {
      const mbInds = order.subarray(start, start + minibatchSize);
      last = minibatchStep(args, batch, mbInds, variables, nameOf);
      clipFracSum += last[5]!;
      minibatches += 1;
    }
    if (config.targetKl !== null && last[4]! > config.targetKl) break;
  }
  tf.dispose(Object.values(batch));
  const [pgLoss, vLoss, ent, klOld, kl] = last;
  return {
    pgLoss: pgLoss!,
    vLoss: vLoss!,
    entropy: ent!,
    oldApproxKl: klOld!,
    approxKl: kl!,
    clipFrac: clipFracSum / Math.max(minibatches, 1),
    explainedVariance: explainedVariance(buffer.values, args.returns),
  };
}

/**
 * One gradient step on the minibatch `mbInds`; returns
 * [pgLoss, vLoss, entropy, oldApproxKl, approxKl, clipFrac].
 */
function minibatchStep(
  args: UpdateArgs,
  batch: Batch,
  mbInds: Int32Array,
  variables: tf.Variable[],
  nameOf: Map<string, string>,
): number[] {
  const { network, optimizer, config } = args;
  const c = config.clipCoef;
  const stats = tf.tidy(() => {
    const idx = tf.tensor1d(mbInds, 'int32');
    const mb = {
      obs: tf.gather(batch.obs, idx),
      actions: tf.gather(batch.actions, idx),
      logProbs: tf.gather(batch.logProbs, idx),
      advantages: tf.gather(batch.advantages, idx),
      returns: tf.gather(batch.returns, idx),
      values: tf.gather(batch.values, idx),
    };
    let diagnostics: tf.Tensor[] = [];
    const { grads } = tf.variableGrads(() => {
      const out = network.forward(mb.obs);
      const newLogProb = logProb(out.dist, mb.actions);
      const entropyLoss = tf.mean(entropy(out.dist));
      const logRatio: tf.Tensor1D = tf.sub(newLogProb, mb.logProbs);
      const ratio: tf.Tensor1D = tf.exp(logRatio);
      const advantages = config.normAdv ? normalizeAdvantages(mb.advantages) : mb.advantages;
      const pgLoss = clippedSurrogateLoss(ratio, advantages, c);
      const vLoss = valueLoss(out.value, mb.values, mb.returns, config.clipVloss ? c : null);
      const loss = tf.add(
        tf.sub(pgLoss, tf.mul(config.entCoef, entropyLoss)),
        tf.mul(vLoss, config.vfCoef),
      );
      diagnostics = [
        pgLoss,
        vLoss,
        entropyLoss,
        tf.mean(tf.neg(logRatio)),
        approxKl(logRatio),
        clipFraction(ratio, c),
      ].map((t) => tf.keep(t));
      return loss as tf.Scalar;
    }, variables);
    const named: tf.NamedTensorMap = {};
    for (const [varName, g] of Object.entries(grads)) named[nameOf.get(varName)!] = g;
    optimizer.apply(named, args.learningRate, config.maxGradNorm);
    const packed = tf.stack(diagnostics);
    tf.dispose(diagnostics); // kept past variableGrads' own tidy, so released by hand
    return packed;
  });
  const values = [...stats.dataSync()];
  stats.dispose();
  return values;
}
