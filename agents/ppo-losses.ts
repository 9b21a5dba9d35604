/**
 * PPO's loss terms (Schulman et al. 2017, "Proximal Policy Optimization Algorithms") and
 * the diagnostics CleanRL logs, as small tensor functions. Each returns a scalar tensor;
 * callers run them inside `tf.tidy` or `tf.variableGrads`.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * The clipped surrogate objective, negated to be a loss (paper eq. 7):
 * `mean(max(-A * ratio, -A * clip(ratio, 1 - c, 1 + c)))`.
 */
export function clippedSurrogateLoss(
  ratio: tf.Tensor1D,
  advantages: tf.Tensor1D,
  clipCoef: number,
): tf.Scalar {
  const pgLoss1 = tf.mul(tf.neg(advantages), ratio);
  const pgLoss2 = tf.mul(tf.neg(advantages), tf.clipByValue(ratio, 1 - clipCoef, 1 + clipCoef));
  return tf.mean(tf.maximum(pgLoss1, pgLoss2));
}

/**
 * Value loss `0.5 * mean((V - R)^2)`; with `clipCoef` not null, the pessimistic maximum of
 * that and the loss of `V_old + clip(V - V_old, -c, c)` (the PPO2 value clipping that
 * CleanRL enables with `clip_vloss`; Engstrom et al. 2020 question its benefit).
 */
export function valueLoss(
  newValues: tf.Tensor1D,
  oldValues: tf.Tensor1D,
  returns: tf.Tensor1D,
  clipCoef: number | null,
): tf.Scalar {
  const vLossUnclipped = tf.square(tf.sub(newValues, returns));
  if (clipCoef === null) return tf.mul(0.5, tf.mean(vLossUnclipped));
  const vClipped = tf.add(
    oldValues,
    tf.clipByValue(tf.sub(newValues, oldValues), -clipCoef, clipCoef),
  );
  const vLossClipped = tf.square(tf.sub(vClipped, returns));
  return tf.mul(0.5, tf.mean(tf.maximum(vLossUnclipped, vLossClipped)));
}

/**
 * The low-variance, always non-negative KL(old || new) estimator
 * `mean((ratio - 1) - log ratio)` (Schulman, "Approximating KL Divergence", 2020).
 */
export function approxKl(logRatio: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.sub(tf.sub(tf.exp(logRatio), 1), logRatio));
}

/** Fraction of samples whose ratio left `[1 - c, 1 + c]`, i.e. `mean(|ratio - 1| > c)`. */
export function clipFraction(ratio: tf.Tensor1D, clipCoef: number): tf.Scalar {
  return tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), clipCoef), 'float32'));
}

/**
 * Per-minibatch advantage normalisation `(A - mean) / (std + 1e-8)` with the unbiased
 * (n - 1) standard deviation, as `torch.std` computes it in CleanRL.
 */
export function normalizeAdvantages(advantages: tf.Tensor1D): tf.Tensor1D {
  const n = advantages.shape[0];
  const mean = tf.mean(advantages);
  const centred = tf.sub(advantages, mean);
  const variance = tf.div(tf.sum(tf.square(centred)), Math.max(n - 1, 1));
  return tf.div(centred, tf.add(tf.sqrt(variance), 1e-8));
}
