/**
 * Running normalisation of observations and rewards for a batch of envs, with the
 * semantics of Gymnasium's NormalizeObservation and NormalizeReward wrappers (and SB3's
 * VecNormalize): running mean and variance by Chan et al.'s parallel update, starting at
 * mean 0, variance 1, count 1e-4; rewards are divided by the running standard deviation
 * of the discounted return. The agent applies them to the vector env's batched buffers so
 * that the raw rewards stay available for episode statistics and the statistics travel
 * in checkpoints and bundles.
 */

export interface RunningMeanStdState {
  readonly mean: number[];
  readonly var: number[];
  readonly count: number;
}

/** Per-feature running mean and (population) variance. */
export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count = 1e-4;

  constructor(readonly dim: number) {
    this.mean = new Float64Array(dim);
    this.var = new Float64Array(dim).fill(1);
  }

  /** Folds in `rows` rows of `dim` values each. */
  update(batch: ArrayLike<number>, rows: number): void {
    const d = this.dim;
    for (let j = 0; j < d; j++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += batch[r * d + j]!;
      const batchMean = sum / rows;
      let sq = 0;
      for (let r = 0; r < rows; r++) sq += (batch[r * d + j]! - batchMean) ** 2;
      const batchVar = sq / rows;
      const delta = batchMean - this.mean[j]!;
      const total = this.count + rows;
      const m2 =
        this.var[j]! * this.count + batchVar * rows + (delta * delta * this.count * rows) / total;
      this.mean[j] = this.mean[j]! + (delta * rows) / total;
      this.var[j] = m2 / total;
    }
    this.count += rows;
  }

  getState(): RunningMeanStdState {
    return { mean: [...this.mean], var: [...this.var], count: this.count };
  }

  setState(state: RunningMeanStdState): void {
    this.mean.set(state.mean);
    this.var.set(state.var);
    this.count = state.count;
  }
}

/** `clip((x - mean) / sqrt(var + 1e-8), -clip, clip)` row by row, into `out`. */
export function normalizeRows(
  rms: RunningMeanStd,
  x: ArrayLike<number>,
  out: Float32Array,
  clip: number,
): void {
  const d = rms.dim;
  for (let i = 0; i < out.length; i++) {
    const j = i % d;
    const z = (x[i]! - rms.mean[j]!) / Math.sqrt(rms.var[j]! + 1e-8);
    out[i] = Math.min(clip, Math.max(-clip, z));
  }
}

/** NormalizeReward for a batch of envs: tracks each env's discounted return. */
export class RewardNormalizer {
  readonly returnRms = new RunningMeanStd(1);
  private readonly discounted: Float64Array;

  constructor(
    numEnvs: number,
    readonly gamma: number,
    readonly clip: number,
  ) {
    this.discounted = new Float64Array(numEnvs);
  }

  /**
   * Updates the return statistics with this step's rewards and writes the scaled, clipped
   * rewards to `out`. `ended[i]` (terminated or truncated) restarts env i's return after
   * this step.
   */
  normalize(rewards: ArrayLike<number>, ended: ArrayLike<number>, out: Float32Array): void {
    const n = this.discounted.length;
    for (let i = 0; i < n; i++) this.discounted[i] = this.discounted[i]! * this.gamma + rewards[i]!;
    this.returnRms.update(this.discounted, n);
    const std = Math.sqrt(this.returnRms.var[0]! + 1e-8);
    for (let i = 0; i < n; i++) {
      out[i] = Math.min(this.clip, Math.max(-this.clip, rewards[i]! / std));
      if (ended[i]! !== 0) this.discounted[i] = 0;
    }
  }
}
