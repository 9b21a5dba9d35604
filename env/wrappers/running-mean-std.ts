import { InvalidArgumentError } from '../../sim-cluster/errors.js';

/** The serialisable state of a `RunningMeanStd` (JSON-safe; ships in policy bundles). */
export interface RunningMeanStdJson {
  readonly mean: readonly number[];
  readonly var: readonly number[];
  readonly count: number;
}

/**
 * Running per-dimension mean and (population) variance, Gymnasium's `RunningMeanStd`:
 * starts at mean 0, variance 1 with a pseudo-count `epsilon` (1e-4), and merges each
 * sample with the parallel form of Welford's update (Chan et al., 1979). With one
 * sample per update this is exactly Welford's algorithm on a prior of weight `epsilon`.
 */
export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count: number;

  constructor(
    readonly size: number,
    epsilon = 1e-4,
  ) {
    if (!Number.isSafeInteger(size) || size < 1)
      throw new InvalidArgumentError(`RunningMeanStd size must be a positive integer, got ${size}`);
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = epsilon;
  }

  /** Merges one sample of `size` numbers. */
  update(x: ArrayLike<number>): void {
    const total = this.count + 1;
    for (let i = 0; i < this.size; i++) {
      const mean = this.mean[i] as number;
      const delta = (x[i] as number) - mean;
      const m2 = (this.var[i] as number) * this.count + (delta * delta * this.count) / total;
      this.mean[i] = mean + delta / total;
      this.var[i] = m2 / total;
    }
    this.count = total;
  }

  /** The state as JSON-safe numbers. */
  toJson(): RunningMeanStdJson {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  /** Replaces the state with `json` (e.g. statistics frozen from training, for evaluation). */
  load(json: RunningMeanStdJson): void {
    if (json.mean.length !== this.size || json.var.length !== this.size)
      throw new InvalidArgumentError(
        `statistics for ${json.mean.length} dimensions cannot load into RunningMeanStd of size ${this.size}`,
      );
    if (!(json.count > 0))
      throw new InvalidArgumentError(`statistics count must be positive, got ${json.count}`);
    this.mean.set(json.mean);
    this.var.set(json.var);
    this.count = json.count;
  }
}
