/**
 * The smallest and largest value seen of every named observation feature. The training
 * run accumulates them through the observation codec and the policy bundle carries them,
 * so the daemon can tell when live Signals leave the range the policy was trained on.
 */
import { InvalidArgumentError } from '../../sim-cluster/errors.js';

/** JSON form of `FeatureRanges`: `null` bounds for a feature never seen. */
export interface FeatureRangesJson {
  readonly names: readonly string[];
  readonly min: readonly (number | null)[];
  readonly max: readonly (number | null)[];
  /** Number of values folded in per feature. */
  readonly count: readonly number[];
}

export class FeatureRanges {
  readonly names: readonly string[];
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly count: Float64Array;

  constructor(names: readonly string[]) {
    this.names = [...names];
    this.min = new Float64Array(names.length).fill(Infinity);
    this.max = new Float64Array(names.length).fill(-Infinity);
    this.count = new Float64Array(names.length);
  }

  /** Folds in `value` for feature `i`. */
  observe(i: number, value: number): void {
    if (value < this.min[i]!) this.min[i] = value;
    if (value > this.max[i]!) this.max[i] = value;
    this.count[i]!++;
  }

  /** Folds in another accumulator over the same features (e.g. from a vector env worker). */
  merge(other: FeatureRanges | FeatureRangesJson): void {
    const o = other instanceof FeatureRanges ? other.toJSON() : other;
    if (o.names.length !== this.names.length || o.names.some((n, i) => n !== this.names[i]))
      throw new InvalidArgumentError(
        `feature ranges cover different features: [${o.names.join(', ')}] vs [${this.names.join(', ')}]`,
      );
    for (let i = 0; i < this.names.length; i++) {
      const lo = o.min[i];
      const hi = o.max[i];
      if (lo !== null && lo !== undefined && lo < this.min[i]!) this.min[i] = lo;
      if (hi !== null && hi !== undefined && hi > this.max[i]!) this.max[i] = hi;
      this.count[i]! += o.count[i] ?? 0;
    }
  }

  toJSON(): FeatureRangesJson {
    const bound = (v: number): number | null => (Number.isFinite(v) ? v : null);
    return {
      names: [...this.names],
      min: Array.from(this.min, bound),
      max: Array.from(this.max, bound),
      count: Array.from(this.count),
    };
  }

  static fromJSON(json: FeatureRangesJson): FeatureRanges {
    const ranges = new FeatureRanges(json.names);
    ranges.merge(json);
    return ranges;
  }
}
