/**
 * Batched action selection: one forward pass for all envs, one read back.
 *
 * The randomness is drawn in JavaScript from a seeded stream before the pass and fed in
 * as noise, so sampling happens inside the same tfjs call: Gaussian actions are
 * `mean + std * eps`; categorical actions use the Gumbel-max trick,
 * `argmax(logits + g)` with `g = -log(-log u)`, which samples exactly from the softmax
 * (Gumbel 1954; Maddison et al. 2014).
 */
import * as tf from '@tensorflow/tfjs';
import type { RngStream } from '../sim-cluster/rng.js';
import type { ActorCritic } from './actor-critic.js';
import { logProb, sampleStandardNormal } from './distributions.js';

export interface ActResult {
  /** [batch × actionDim] actions (class indices for categorical). */
  readonly actions: Float32Array;
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
}

/** The number of noise values `act` needs per observation. */
export function noiseWidth(network: ActorCritic): number {
  const spec = network.spec;
  if (spec.kind === 'tenant') return spec.layout.slotCount * spec.actionsPerTenant;
  return spec.action.kind === 'discrete' ? spec.action.n : spec.action.dim;
}

/** Fills `noise` with Gumbel (categorical) or standard normal (Gaussian) draws. */
export function drawNoise(network: ActorCritic, rng: RngStream, noise: Float32Array): void {
  const gumbel = network.spec.kind === 'mlp' && network.spec.action.kind === 'discrete';
  for (let i = 0; i < noise.length; i++) {
    noise[i] = gumbel ? -Math.log(-Math.log(rng.nextOpen())) : sampleStandardNormal(rng);
  }
}

/** Samples actions for a batch of observations [batch × obsDim]. */
export function act(
  network: ActorCritic,
  observations: Float32Array,
  batch: number,
  noise: Float32Array,
): ActResult {
  const obsDim = observations.length / batch;
  const width = noise.length / batch;
  const packed = tf.tidy(() => {
    const out = network.forward(tf.tensor2d(observations, [batch, obsDim]));
    const eps = tf.tensor2d(noise, [batch, width]);
    let actions: tf.Tensor2D;
    if (out.dist.kind === 'categorical') {
      const chosen = tf.argMax(tf.add(out.dist.logits, eps), 1);
      const lp = logProb(out.dist, chosen);
      actions = tf.expandDims(tf.cast(chosen, 'float32'), 1);
      return tf.concat([actions, tf.expandDims(lp, 1), tf.expandDims(out.value, 1)], 1);
    }
    actions = tf.add(out.dist.mean, tf.mul(tf.exp(out.dist.logStd), eps));
    const lp = logProb(out.dist, actions);
    return tf.concat([actions, tf.expandDims(lp, 1), tf.expandDims(out.value, 1)], 1);
  });
  const data = packed.dataSync() as Float32Array;
  packed.dispose();
  const actionDim = data.length / batch - 2;
  const actions = new Float32Array(batch * actionDim);
  const logProbs = new Float32Array(batch);
  const values = new Float32Array(batch);
  for (let b = 0; b < batch; b++) {
    const row = b * (actionDim + 2);
    for (let j = 0; j < actionDim; j++) actions[b * actionDim + j] = data[row + j]!;
    logProbs[b] = data[row + actionDim]!;
    values[b] = data[row + actionDim + 1]!;
  }
  return { actions, logProbs, values };
}

/** V(s) for a batch of observations. */
export function evaluateValues(
  network: ActorCritic,
  observations: Float32Array,
  batch: number,
): Float32Array {
  const v = tf.tidy(() =>
    network.value(tf.tensor2d(observations, [batch, observations.length / batch])),
  );
  const data = v.dataSync() as Float32Array;
  v.dispose();
  return data;
}
