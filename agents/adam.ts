/**
 * Adam (Kingma & Ba 2015) as `torch.optim.Adam` computes it, with a learning rate that can
 * change between steps (linear annealing), optional global gradient-norm clipping, and
 * state we can save and restore (checkpoints). tfjs's AdamOptimizer hides its learning
 * rate, so we keep our own:
 * `p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)`.
 *
 * For speed the moments live in two flat vectors over all parameters: one update is ~5
 * ops per parameter plus a dozen for the whole network, instead of ~12 per parameter
 * (small networks on wasm are bound by per-op overhead, see bench/ppo.bench.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedParameter } from './dense.js';
import { clipFlatByGlobalNorm } from './grad-clip.js';

export interface AdamOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  /** 1e-5 in CleanRL's PPO (PyTorch's default is 1e-8). */
  readonly epsilon?: number;
}

/** Serializable optimiser state: first and second moments per parameter name. */
export interface AdamState {
  readonly step: number;
  readonly moments: ReadonlyMap<string, { readonly m: Float32Array; readonly v: Float32Array }>;
}

export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private stepCount = 0;
  private readonly sizes: number[];
  private readonly total: number;
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;

  constructor(
    private readonly parameters: readonly NamedParameter[],
    options: AdamOptions = {},
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-5;
    this.sizes = parameters.map((p) => p.variable.size);
    this.total = this.sizes.reduce((a, b) => a + b, 0);
    this.m = tf.variable(tf.zeros([this.total]), false);
    this.v = tf.variable(tf.zeros([this.total]), false);
  }

  get step(): number {
    return this.stepCount;
  }

  /**
   * One update with `grads` keyed by parameter name (every parameter needs one); with
   * `maxGradNorm`, the gradients are first scaled to a global L2 norm of at most that.
   */
  apply(grads: tf.NamedTensorMap, learningRate: number, maxGradNorm?: number): void {
    this.stepCount += 1;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const stepSize = learningRate / (1 - b1 ** this.stepCount);
    const sqrtCorrection2 = Math.sqrt(1 - b2 ** this.stepCount);
    tf.tidy(() => {
      const pieces = this.parameters.map((p) => {
        const g = grads[p.name];
        if (g === undefined) throw new Error(`Adam.apply: no gradient for ${p.name}`);
        return tf.reshape(g, [-1]);
      });
      let g = tf.concat(pieces) as tf.Tensor1D;
      if (maxGradNorm !== undefined) g = clipFlatByGlobalNorm(g, maxGradNorm);
      const newM = tf.add(tf.mul(this.m, b1), tf.mul(g, 1 - b1));
      const newV = tf.add(tf.mul(this.v, b2), tf.mul(tf.square(g), 1 - b2));
      this.m.assign(newM);
      this.v.assign(newV);
      const denom = tf.add(tf.div(tf.sqrt(newV), sqrtCorrection2), this.epsilon);
      const delta = tf.mul(tf.div(newM, denom), stepSize);
      tf.split(delta, this.sizes).forEach((d, i) => {
        const p = this.parameters[i]!.variable;
        p.assign(tf.sub(p, tf.reshape(d, p.shape)));
      });
    });
  }

  getState(): AdamState {
    const m = this.m.dataSync() as Float32Array;
    const v = this.v.dataSync() as Float32Array;
    const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
    let offset = 0;
    this.parameters.forEach((p, i) => {
      const end = offset + this.sizes[i]!;
      moments.set(p.name, { m: m.slice(offset, end), v: v.slice(offset, end) });
      offset = end;
    });
    return { step: this.stepCount, moments };
  }

  setState(state: AdamState): void {
    this.stepCount = state.step;
    const m = new Float32Array(this.total);
    const v = new Float32Array(this.total);
    let offset = 0;
    this.parameters.forEach((p, i) => {
      const saved = state.moments.get(p.name);
      if (saved !== undefined) {
        m.set(saved.m, offset);
        v.set(saved.v, offset);
      }
      offset += this.sizes[i]!;
    });
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(m));
      this.v.assign(tf.tensor1d(v));
    });
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}
