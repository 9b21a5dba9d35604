/**
 * Adam (Kingma & Ba 2015) as `torch.optim.Adam` computes it, with a learning rate that can
 * change between steps (linear annealing) and state we can save and restore
 * (checkpoints). tfjs's AdamOptimizer hides its learning rate, so we keep our own:
 * `p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)`.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedParameter } from './dense.js';

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
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(
    private readonly parameters: readonly NamedParameter[],
    options: AdamOptions = {},
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-5;
    for (const p of parameters) {
      this.m.set(p.name, tf.variable(tf.zerosLike(p.variable), false));
      this.v.set(p.name, tf.variable(tf.zerosLike(p.variable), false));
    }
  }

  get step(): number {
    return this.stepCount;
  }

  /** One update with `grads` keyed by parameter name. */
  apply(grads: tf.NamedTensorMap, learningRate: number): void {
    this.stepCount += 1;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const stepSize = learningRate / (1 - b1 ** this.stepCount);
    const sqrtCorrection2 = Math.sqrt(1 - b2 ** this.stepCount);
    tf.tidy(() => {
      for (const p of this.parameters) {
        const g = grads[p.name];
        if (g === undefined) continue;
        const m = this.m.get(p.name)!;
        const v = this.v.get(p.name)!;
        const newM = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const newV = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        m.assign(newM);
        v.assign(newV);
        const denom = tf.add(tf.div(tf.sqrt(newV), sqrtCorrection2), this.epsilon);
        p.variable.assign(tf.sub(p.variable, tf.mul(tf.div(newM, denom), stepSize)));
      }
    });
  }

  getState(): AdamState {
    const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
    for (const p of this.parameters) {
      moments.set(p.name, {
        m: this.m.get(p.name)!.dataSync() as Float32Array,
        v: this.v.get(p.name)!.dataSync() as Float32Array,
      });
    }
    return { step: this.stepCount, moments };
  }

  setState(state: AdamState): void {
    this.stepCount = state.step;
    tf.tidy(() => {
      for (const p of this.parameters) {
        const saved = state.moments.get(p.name);
        if (saved === undefined) continue;
        this.m.get(p.name)!.assign(tf.tensor(saved.m, p.variable.shape));
        this.v.get(p.name)!.assign(tf.tensor(saved.v, p.variable.shape));
      }
    });
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
