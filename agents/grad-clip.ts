/**
 * Global gradient-norm clipping as `torch.nn.utils.clip_grad_norm_` does it: the norm is
 * taken over all gradients together, and every gradient is scaled by
 * `min(1, maxNorm / (norm + 1e-6))`.
 */
import * as tf from '@tensorflow/tfjs';

export interface ClippedGradients {
  readonly grads: tf.NamedTensorMap;
  /** The global L2 norm before clipping. */
  readonly norm: tf.Scalar;
}

/** Scales `grads` so that their global L2 norm is at most `maxNorm`. */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): ClippedGradients {
  const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
  const norm = tf.sqrt(tf.addN(squares)) as tf.Scalar;
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
  const clipped: tf.NamedTensorMap = {};
  for (const [name, g] of Object.entries(grads)) clipped[name] = tf.mul(g, scale);
  return { grads: clipped, norm };
}

/**
 * The same clipping on gradients already concatenated into one flat vector: 5 ops
 * instead of 3 per parameter, which matters when per-op overhead dominates.
 */
export function clipFlatByGlobalNorm(flat: tf.Tensor1D, maxNorm: number): tf.Tensor1D {
  const norm = tf.sqrt(tf.sum(tf.square(flat)));
  return tf.mul(flat, tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6))));
}
