/**
 * One iteration's transitions in preallocated typed arrays (no per-step allocation, no
 * tensors until the update), time-major: step t of env e is row `t * numEnvs + e`.
 */

export class RolloutBuffer {
  readonly size: number;
  /** [size × obsDim] normalised observations the actions were taken from. */
  readonly observations: Float32Array;
  /** [size × actionDim] sampled actions (class indices for discrete actions). */
  readonly actions: Float32Array;
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
  /** Rewards as the learner sees them (normalised when reward normalisation is on). */
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** V(final observation) where an episode was truncated; 0 elsewhere. */
  readonly finalValues: Float32Array;

  constructor(
    readonly numSteps: number,
    readonly numEnvs: number,
    readonly obsDim: number,
    readonly actionDim: number,
  ) {
    this.size = numSteps * numEnvs;
    this.observations = new Float32Array(this.size * obsDim);
    this.actions = new Float32Array(this.size * actionDim);
    this.logProbs = new Float32Array(this.size);
    this.values = new Float32Array(this.size);
    this.rewards = new Float32Array(this.size);
    this.terminated = new Uint8Array(this.size);
    this.truncated = new Uint8Array(this.size);
    this.finalValues = new Float32Array(this.size);
  }

  /** Row index of env `e` at step `t`. */
  row(t: number, e: number): number {
    return t * this.numEnvs + e;
  }
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates) from `nextInt`. */
export function shuffledIndices(n: number, nextInt: (bound: number) => number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = nextInt(i + 1);
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}
