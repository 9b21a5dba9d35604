/**
 * Fully connected layers as plain tfjs variables (no tf.layers): we control their
 * initialisation (seeded orthogonal), their names (for checkpoints and bundles) and the
 * ops in the forward pass, which matters for small networks where per-op overhead
 * dominates.
 */
import * as tf from '@tensorflow/tfjs';
import type { RngStream } from '../sim-cluster/rng.js';
import { orthogonalMatrix } from './orthogonal.js';

/** A trainable tensor with the stable name it is saved under. */
export interface NamedParameter {
  readonly name: string;
  readonly variable: tf.Variable;
}

/** `y = x W + b`; `kernel` is [in, out]. */
export interface Dense {
  readonly kernel: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;
}

/** A dense layer with orthogonal weights of the given gain and zero bias (CleanRL's layer_init). */
export function createDense(inDim: number, outDim: number, gain: number, rng: RngStream): Dense {
  const weights = orthogonalMatrix(inDim, outDim, gain, rng);
  return {
    kernel: tf.variable(tf.tensor2d(weights, [inDim, outDim]), true),
    bias: tf.variable(tf.zeros([outDim]), true),
  };
}

/**
 * An MLP with `sizes = [in, h1, ..., out]`: hidden layers get gain sqrt(2), the output
 * layer `outputGain` (0.01 for a policy head, 1 for a value head).
 */
export function createMlp(sizes: readonly number[], outputGain: number, rng: RngStream): Dense[] {
  const layers: Dense[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    layers.push(createDense(sizes[i]!, sizes[i + 1]!, last ? outputGain : Math.SQRT2, rng));
  }
  return layers;
}

/** Forward pass with tanh between layers and a linear output. */
export function mlpForward(layers: readonly Dense[], x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  layers.forEach((layer, i) => {
    h = tf.add(tf.matMul(h, layer.kernel), layer.bias);
    if (i + 1 < layers.length) h = tf.tanh(h);
  });
  return h;
}

/** Names the variables of `layers` as `${prefix}.${i}.kernel` / `.bias`. */
export function nameLayers(prefix: string, layers: readonly Dense[]): NamedParameter[] {
  return layers.flatMap((layer, i) => [
    { name: `${prefix}.${i}.kernel`, variable: layer.kernel },
    { name: `${prefix}.${i}.bias`, variable: layer.bias },
  ]);
}
