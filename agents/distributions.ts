/**
 * The two action distributions of issue 5: categorical over logits (discrete actions)
 * and a diagonal Gaussian with a state-independent log standard deviation (continuous
 * actions). Log-probabilities and entropies are tensors (they are differentiated);
 * sampling happens in JavaScript with a seeded stream, because tfjs samples with
 * `Math.random` (STYLE.md, "Own your randomness").
 */
import * as tf from '@tensorflow/tfjs';
import type { RngStream } from '../sim-cluster/rng.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Parameters of a batch of action distributions, as the policy network outputs them. */
export type DistributionParams =
  | { readonly kind: 'categorical'; readonly logits: tf.Tensor2D }
  | {
      readonly kind: 'gaussian';
      readonly mean: tf.Tensor2D;
      /** Shape [actionDim] (shared by the batch) or [batch, actionDim]. */
      readonly logStd: tf.Tensor;
      /** Optional 0/1 mask [batch, actionDim]: masked dimensions add nothing. */
      readonly mask?: tf.Tensor2D;
    };

/** log pi(a | s) per sample; `actions` are int32 indices [B] or floats [B, actionDim]. */
export function logProb(params: DistributionParams, actions: tf.Tensor): tf.Tensor1D {
  if (params.kind === 'categorical') {
    const logPi = tf.logSoftmax(params.logits);
    const depth = params.logits.shape[1];
    const chosen = tf.oneHot(tf.cast(actions, 'int32') as tf.Tensor1D, depth);
    return tf.sum(tf.mul(logPi, chosen), 1);
  }
  const std = tf.exp(params.logStd);
  const z = tf.div(tf.sub(actions, params.mean), std);
  const perDim = tf.sub(tf.neg(tf.add(tf.mul(0.5, tf.square(z)), params.logStd)), HALF_LOG_2PI);
  return tf.sum(params.mask ? tf.mul(perDim, params.mask) : perDim, 1) as tf.Tensor1D;
}

/** Entropy H(pi(. | s)) per sample. */
export function entropy(params: DistributionParams): tf.Tensor1D {
  if (params.kind === 'categorical') {
    const logPi = tf.logSoftmax(params.logits);
    return tf.neg(tf.sum(tf.mul(tf.exp(logPi), logPi), 1)) as tf.Tensor1D;
  }
  // Each dimension contributes 0.5 + 0.5 log(2 pi) + log std.
  const perDim = tf.add(tf.zerosLike(params.mean), tf.add(params.logStd, 0.5 + HALF_LOG_2PI));
  return tf.sum(params.mask ? tf.mul(perDim, params.mask) : perDim, 1) as tf.Tensor1D;
}

/** One standard normal draw by the Box–Muller transform. */
export function sampleStandardNormal(rng: RngStream): number {
  return Math.sqrt(-2 * Math.log(rng.nextOpen())) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * Samples one index per row from row-major `logits` [batch, n] by inverting the CDF of
 * the softmax; writes them into `out` (length batch).
 */
export function sampleCategorical(
  logits: ArrayLike<number>,
  n: number,
  rng: RngStream,
  out: Int32Array | Float32Array,
): void {
  for (let b = 0; b < out.length; b++) {
    let max = -Infinity;
    for (let k = 0; k < n; k++) max = Math.max(max, logits[b * n + k]!);
    let total = 0;
    for (let k = 0; k < n; k++) total += Math.exp(logits[b * n + k]! - max);
    let u = rng.next() * total;
    let chosen = n - 1;
    for (let k = 0; k < n; k++) {
      u -= Math.exp(logits[b * n + k]! - max);
      if (u < 0) {
        chosen = k;
        break;
      }
    }
    out[b] = chosen;
  }
}

/**
 * Samples `mean + std * eps` row by row from row-major `mean` [batch, d] and `logStd` [d];
 * writes into `out` (length batch * d).
 */
export function sampleGaussian(
  mean: ArrayLike<number>,
  logStd: ArrayLike<number>,
  rng: RngStream,
  out: Float32Array,
): void {
  const d = logStd.length;
  for (let i = 0; i < out.length; i++) {
    out[i] = mean[i]! + Math.exp(logStd[i % d]!) * sampleStandardNormal(rng);
  }
}
