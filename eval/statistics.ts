/**
 * Statistics across seeds: means with percentile-bootstrap confidence intervals
 * (Efron and Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13) and paired
 * comparisons of two policies run on the same seeds (paired by seed: the same arrivals
 * and service times), with an exact sign test and an exact Wilcoxon signed-rank test.
 *
 * All resampling draws come from a seeded `RngStream`, so every interval is reproducible.
 */
import { RngStream } from '../sim-cluster/rng.js';

/** A mean with its confidence interval. */
export interface Interval {
  readonly n: number;
  readonly mean: number;
  /** Lower and upper ends of the interval (equal to `mean` when n < 2). */
  readonly low: number;
  readonly high: number;
}

export interface BootstrapOptions {
  /** Bootstrap resamples (default 2000). */
  readonly resamples?: number;
  /** Coverage of the interval (default 0.95). */
  readonly confidence?: number;
  /** Seed of the resampling stream (default 1). */
  readonly seed?: number;
}

/** The arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/**
 * The `q`-quantile (0..1) of sorted values, interpolating linearly between order
 * statistics (Hyndman and Fan's type 7, the default of R and NumPy).
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo]!;
  return a + (h - lo) * (sorted[hi]! - a);
}

/**
 * Mean and percentile-bootstrap interval: `resamples` times draw n values with
 * replacement, take their mean; the interval is the (1−c)/2 and (1+c)/2 quantiles of
 * those means. With fewer than two values the interval collapses to the mean.
 */
export function bootstrapInterval(
  values: readonly number[],
  options: BootstrapOptions = {},
): Interval {
  const n = values.length;
  const m = mean(values);
  if (n < 2) return { n, mean: m, low: m, high: m };
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const rng = new RngStream(options.seed ?? 1, 'bootstrap');
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[rng.nextInt(n)]!;
    means[r] = s / n;
  }
  means.sort();
  const sorted = Array.from(means);
  const alpha = (1 - confidence) / 2;
  return {
    n,
    mean: m,
    low: quantileSorted(sorted, alpha),
    high: quantileSorted(sorted, 1 - alpha),
  };
}

/** Binomial coefficient C(n, k) as a double (exact for the small n used here). */
function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/**
 * Two-sided exact sign test of paired differences: zeros are dropped; with n non-zero
 * differences of which k are positive, p = min(1, 2·P[X ≤ min(k, n−k)]), X ~ Bin(n, ½).
 * Returns 1 when every difference is zero.
 */
export function signTestP(differences: readonly number[]): number {
  const nonZero = differences.filter((d) => d !== 0);
  const n = nonZero.length;
  if (n === 0) return 1;
  const k = nonZero.filter((d) => d > 0).length;
  const tail = Math.min(k, n - k);
  let p = 0;
  for (let i = 0; i <= tail; i++) p += choose(n, i);
  return Math.min(1, (2 * p) / 2 ** n);
}

/**
 * Ranks of |d| (1-based, ties get their average rank), doubled so they are integers.
 */
function doubledRanks(abs: readonly number[]): number[] {
  const order = abs.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(abs.length).fill(0);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]!.v === order[i]!.v) j++;
    const doubled = i + 1 + (j + 1); // 2 × average of ranks i+1..j+1
    for (let k = i; k <= j; k++) ranks[order[k]!.i] = doubled;
    i = j + 1;
  }
  return ranks;
}

/**
 * Two-sided exact Wilcoxon signed-rank test (Wilcoxon 1945) of paired differences.
 * Zeros are dropped (Wilcoxon's convention); ties share average ranks, and the exact
 * null distribution is enumerated over the tied ranks (every sign pattern equally
 * likely), by dynamic programming over doubled ranks. p = min(1, 2·P[W+ ≤ min(W+, W−)]).
 * Exact for the few dozen pairs eval produces; returns 1 when all differences are zero.
 */
export function wilcoxonSignedRankP(differences: readonly number[]): number {
  const nonZero = differences.filter((d) => d !== 0);
  const n = nonZero.length;
  if (n === 0) return 1;
  const ranks = doubledRanks(nonZero.map(Math.abs));
  const total = ranks.reduce((a, b) => a + b, 0);
  let wPlus = 0;
  nonZero.forEach((d, i) => {
    if (d > 0) wPlus += ranks[i]!;
  });
  const w = Math.min(wPlus, total - wPlus);
  // counts[s] = number of sign patterns whose positive doubled-rank sum is s.
  let counts = new Float64Array(total + 1);
  counts[0] = 1;
  for (const r of ranks) {
    const next = new Float64Array(total + 1);
    for (let s = 0; s <= total; s++) {
      const c = counts[s]!;
      if (c === 0) continue;
      next[s] = next[s]! + c;
      next[s + r] = next[s + r]! + c;
    }
    counts = next;
  }
  let tail = 0;
  for (let s = 0; s <= w; s++) tail += counts[s]!;
  return Math.min(1, (2 * tail) / 2 ** n);
}

/** A paired comparison of policy A against policy B (differences A − B). */
export interface PairedComparison extends Interval {
  /** Pairs where A beat B, tied, lost. */
  readonly wins: number;
  readonly ties: number;
  readonly losses: number;
  readonly signTestP: number;
  readonly wilcoxonP: number;
}

/**
 * Compares paired samples (same seeds, same order): the mean difference a − b with its
 * bootstrap interval, win/tie/loss counts, and sign-test and Wilcoxon p-values.
 */
export function pairedComparison(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions = {},
): PairedComparison {
  if (a.length !== b.length) {
    throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  }
  const d = a.map((x, i) => x - b[i]!);
  return {
    ...bootstrapInterval(d, options),
    wins: d.filter((x) => x > 0).length,
    ties: d.filter((x) => x === 0).length,
    losses: d.filter((x) => x < 0).length,
    signTestP: signTestP(d),
    wilcoxonP: wilcoxonSignedRankP(d),
  };
}
