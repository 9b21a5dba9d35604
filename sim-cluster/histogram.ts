/**
 * An HDR-style log-linear histogram of latencies in seconds (after Gil Tene's
 * HdrHistogram): each power-of-two range [2^e, 2^(e+1)) is split into S equal-width
 * sub-buckets, S the smallest power of two >= 10^significantDigits. A bucket's width is
 * at most 1/S of its lower edge, so reporting its midpoint is off by at most 1/(2S) of
 * the true value (0.049% for three digits, within the promised 10^-digits).
 *
 * Bucket indices come straight from the IEEE-754 bits of the value (exponent and top
 * mantissa bits) through a shared scratch buffer, so `record` is O(1), exact at bucket
 * edges and allocation-free — it runs once per simulated request.
 *
 * The buckets (256 KB at the default range and three digits) are allocated by the first
 * value recorded or merged, not by the constructor: a simulation builds one histogram per
 * tenant whether or not anyone will read it (see `SimulationOptions.runLatency`).
 */
import { InvalidArgumentError } from './errors.js';

/** Construction options; all values in seconds. */
export interface LatencyHistogramOptions {
  /** Smallest value recorded with bounded relative error (default 1e-6 s). */
  readonly lowestSeconds?: number;
  /** Largest value tracked; larger values are counted in the top bucket (default 3600 s). */
  readonly highestSeconds?: number;
  /** Decimal digits of precision, an integer in [1, 5] (default 3: relative error ≤ 0.1%). */
  readonly significantDigits?: number;
}

/** The summary a histogram serialises to; all latencies in seconds, 0 when empty. */
export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

// Scratch view of one double as two 32-bit words, shared by every histogram.
const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
/** The buckets of every histogram that has recorded nothing yet. */
const NO_COUNTS = new Float64Array(0);

/** The unbiased binary exponent of a positive normal double. */
function exponentOf(value: number): number {
  scratch[0] = value;
  return ((words[HIGH_WORD] as number) >>> 20) - 1023;
}

/**
 * The nearest rank ⌈p/100 · n⌉ (at least 1) of percentile `p` among `n` values. A
 * tolerance of 1e-9 absorbs binary rounding of p, so p99.9 of 1000 values is rank 999.
 */
export function nearestRank(p: number, n: number): number {
  return Math.max(1, Math.ceil((p / 100) * n - 1e-9));
}

export class LatencyHistogram {
  readonly lowestSeconds: number;
  readonly highestSeconds: number;
  readonly significantDigits: number;
  /** Sub-buckets per power of two (S). */
  readonly subBuckets: number;
  /** Bound on |reported − true| / true for values in [lowest, highest]: 1/(2S). */
  readonly relativeError: number;

  /** Empty until the first value arrives (`allocate`); then `bucketCount` long. */
  private counts: Float64Array = NO_COUNTS;
  private readonly bucketCount: number;
  private readonly minExponent: number;
  /** Right shift from the 20 high mantissa bits to the sub-bucket index. */
  private readonly mantissaShift: number;
  private readonly log2SubBuckets: number;
  private total = 0;
  private sum = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;
  private clamped = 0;
  /** Range of indices that may be non-zero, so reset and scans touch only those. */
  private lowIndex = Infinity;
  private highIndex = -1;

  constructor(options: LatencyHistogramOptions = {}) {
    const lowest = options.lowestSeconds ?? 1e-6;
    const highest = options.highestSeconds ?? 3600;
    const digits = options.significantDigits ?? 3;
    if (!(lowest >= 1e-300 && lowest < Infinity)) {
      throw new InvalidArgumentError(`lowestSeconds must be a positive number, got ${lowest}`);
    }
    if (!(highest >= 2 * lowest && highest < Infinity)) {
      throw new InvalidArgumentError(
        `highestSeconds must be finite and at least 2 × lowestSeconds (${2 * lowest}), got ${highest}`,
      );
    }
    if (!(Number.isInteger(digits) && digits >= 1 && digits <= 5)) {
      throw new InvalidArgumentError(
        `significantDigits must be an integer in [1, 5], got ${digits}`,
      );
    }
    this.lowestSeconds = lowest;
    this.highestSeconds = highest;
    this.significantDigits = digits;
    this.log2SubBuckets = Math.ceil(Math.log2(10 ** digits));
    this.subBuckets = 2 ** this.log2SubBuckets;
    this.relativeError = 1 / (2 * this.subBuckets);
    this.mantissaShift = 20 - this.log2SubBuckets;
    this.minExponent = exponentOf(lowest);
    const octaves = exponentOf(highest) - this.minExponent + 1;
    this.bucketCount = octaves * this.subBuckets;
  }

  /** The buckets, allocated on first use (see the module comment). */
  private allocate(): Float64Array {
    if (this.counts.length === 0) this.counts = new Float64Array(this.bucketCount);
    return this.counts;
  }

  /** Number of recorded values. */
  get count(): number {
    return this.total;
  }

  /** Exact mean of the recorded values (from a running sum); 0 when empty. */
  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  /** Exact smallest recorded value; 0 when empty. */
  get min(): number {
    return this.total === 0 ? 0 : this.minValue;
  }

  /** Exact largest recorded value; 0 when empty. */
  get max(): number {
    return this.total === 0 ? 0 : this.maxValue;
  }

  /** How many recorded values exceeded `highestSeconds` (counted in the top bucket). */
  get clampedCount(): number {
    return this.clamped;
  }

  /** Bytes held by the buckets: 0 until the first value is recorded or merged in. */
  get allocatedBytes(): number {
    return this.counts.byteLength;
  }

  /**
   * Records one value in seconds. Values below `lowestSeconds` (including 0) land in the
   * first bucket and values above `highestSeconds` in the last; count, sum, min and max
   * stay exact. Throws on a negative, NaN or infinite value (a bug upstream).
   */
  record(value: number): void {
    if (!(value >= 0 && value < Infinity)) {
      throw new InvalidArgumentError(`a latency must be a finite number >= 0, got ${value}`);
    }
    const index = this.indexOf(value);
    if (value > this.highestSeconds) this.clamped++;
    const counts = this.total === 0 ? this.allocate() : this.counts;
    counts[index] = (counts[index] as number) + 1;
    if (index < this.lowIndex) this.lowIndex = index;
    if (index > this.highIndex) this.highIndex = index;
    this.total++;
    this.sum += value;
    if (value < this.minValue) this.minValue = value;
    if (value > this.maxValue) this.maxValue = value;
  }

  /** Bucket index of a value, clamped to the tracked range. */
  private indexOf(value: number): number {
    if (value < this.lowestSeconds) value = this.lowestSeconds;
    else if (value > this.highestSeconds) value = this.highestSeconds;
    scratch[0] = value;
    const high = words[HIGH_WORD] as number;
    const exponent = (high >>> 20) - 1023;
    const sub = (high & 0xfffff) >>> this.mantissaShift;
    return ((exponent - this.minExponent) << this.log2SubBuckets) + sub;
  }

  /** Lower edge of bucket `index`, in seconds. */
  private lowerEdge(index: number): number {
    const exponent = this.minExponent + (index >>> this.log2SubBuckets);
    const sub = index & (this.subBuckets - 1);
    return 2 ** exponent * (1 + sub / this.subBuckets);
  }

  /**
   * The value at percentile `p` in [0, 100]: the nearest-rank value (the ⌈p/100 · n⌉-th
   * smallest, the smallest for p = 0) reported as the midpoint of its bucket, clamped to
   * [min, max]; the smallest and largest ranks report the exact min and max. Relative error at most `relativeError` for values within the tracked
   * range. Returns 0 when empty.
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) {
      throw new InvalidArgumentError(`percentile must be in [0, 100], got ${p}`);
    }
    if (this.total === 0) return 0;
    const rank = nearestRank(p, this.total);
    if (rank === 1) return this.minValue;
    if (rank === this.total) return this.maxValue;
    let seen = 0;
    let index = this.lowIndex;
    for (; index < this.highIndex; index++) {
      seen += this.counts[index] as number;
      if (seen >= rank) break;
    }
    const mid = (this.lowerEdge(index) + this.lowerEdge(index + 1)) / 2;
    return Math.min(this.maxValue, Math.max(this.minValue, mid));
  }

  /**
   * Fraction of recorded values at or below `x` seconds (SLO attainment). Exact except
   * for values sharing x's bucket, which all count as at or below: a value counted may
   * exceed x by at most x/S. Returns 0 when empty.
   */
  fractionAtOrBelow(x: number): number {
    if (this.total === 0 || !(x >= this.minValue)) return 0;
    if (x >= this.maxValue) return 1;
    const last = Math.min(this.indexOf(x), this.highIndex);
    let below = 0;
    for (let index = this.lowIndex; index <= last; index++) below += this.counts[index] as number;
    return below / this.total;
  }

  /** Forgets every recorded value, keeping the configuration. */
  reset(): void {
    if (this.highIndex >= 0) this.counts.fill(0, this.lowIndex, this.highIndex + 1);
    this.total = 0;
    this.sum = 0;
    this.minValue = Infinity;
    this.maxValue = -Infinity;
    this.clamped = 0;
    this.lowIndex = Infinity;
    this.highIndex = -1;
  }

  /** Adds every value recorded in `other`, which must have the same configuration. */
  merge(other: LatencyHistogram): void {
    if (
      other.lowestSeconds !== this.lowestSeconds ||
      other.highestSeconds !== this.highestSeconds ||
      other.significantDigits !== this.significantDigits
    ) {
      throw new InvalidArgumentError(
        `cannot merge histograms with different configurations: ${other.describe()} into ${this.describe()}`,
      );
    }
    if (other.total === 0) return;
    const counts = this.allocate();
    for (let index = other.lowIndex; index <= other.highIndex; index++) {
      counts[index] = (counts[index] as number) + (other.counts[index] as number);
    }
    this.lowIndex = Math.min(this.lowIndex, other.lowIndex);
    this.highIndex = Math.max(this.highIndex, other.highIndex);
    this.total += other.total;
    this.sum += other.sum;
    this.clamped += other.clamped;
    this.minValue = Math.min(this.minValue, other.minValue);
    this.maxValue = Math.max(this.maxValue, other.maxValue);
  }

  /** The configuration, for messages. */
  describe(): string {
    return `histogram(lowest=${this.lowestSeconds}, highest=${this.highestSeconds}, digits=${this.significantDigits})`;
  }

  /** Summary in seconds; every field is 0 for an empty histogram (so JSON never holds NaN). */
  toJSON(): LatencySummary {
    return {
      count: this.total,
      mean: this.mean,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.max,
    };
  }
}
