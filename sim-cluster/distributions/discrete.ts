/**
 * Distributions that choose among alternatives: a weighted mixture of distributions and
 * an empirical distribution over observed values. Both precompute their tables at
 * construction so `sample` is a few array reads.
 */
import type { Distribution } from '../distribution.js';
import type { RngStream } from '../rng.js';
import { fmt, paramError, type SpecLocation } from './params.js';

/** One part of a mixture: drawn with probability weight / (sum of weights). */
export interface MixtureComponent {
  readonly weight: number;
  readonly distribution: Distribution;
}

/** Checks one weight: a positive finite number. */
function checkWeight(weight: number, param: string, at: SpecLocation | undefined): void {
  if (!(weight > 0 && weight < Infinity)) {
    paramError(at, param, `weight must be a positive finite number, got ${weight}`);
  }
}

/**
 * A finite mixture: pick component i with probability p_i = w_i / Σw, then draw from it.
 * Mean Σ p_i μ_i; variance Σ p_i (σ_i² + μ_i²) − μ² (law of total variance). One uniform
 * for the choice (a linear scan: mixtures have a handful of components), then the
 * component's own draws.
 */
export class MixtureDistribution implements Distribution {
  readonly components: readonly MixtureComponent[];
  readonly mean: number;
  readonly variance: number;
  private readonly parts: readonly Distribution[];
  /** Cumulative probabilities; the last is forced to 1. */
  private readonly cumulative: Float64Array;

  constructor(components: readonly MixtureComponent[], at?: SpecLocation) {
    if (components.length === 0) {
      paramError(at, 'components', 'components must be a non-empty list, got []');
    }
    let total = 0;
    components.forEach((c, i) => {
      checkWeight(c.weight, `components[${i}].weight`, at);
      total += c.weight;
    });
    this.components = components;
    this.parts = components.map((c) => c.distribution);
    this.cumulative = new Float64Array(components.length);
    let acc = 0;
    let mean = 0;
    let secondMoment = 0;
    components.forEach((c, i) => {
      const p = c.weight / total;
      acc += p;
      this.cumulative[i] = acc;
      const m = c.distribution.mean;
      mean += p * m;
      secondMoment += p * (c.distribution.variance + m * m);
    });
    this.cumulative[components.length - 1] = 1;
    this.mean = mean;
    this.variance = Number.isFinite(secondMoment)
      ? Math.max(0, secondMoment - mean * mean)
      : Infinity;
  }

  sample(rng: RngStream): number {
    const u = rng.next();
    const cumulative = this.cumulative;
    const last = cumulative.length - 1;
    let i = 0;
    while (i < last && u >= (cumulative[i] as number)) i++;
    return (this.parts[i] as Distribution).sample(rng);
  }

  describe(): string {
    const total = this.components.reduce((s, c) => s + c.weight, 0);
    const parts = this.components.map(
      (c) => `${fmt(c.weight / total)}×${c.distribution.describe()}`,
    );
    return `mixture(${parts.join(', ')})`;
  }
}

/**
 * An empirical distribution: value i with probability w_i / Σw (equal weights when none
 * are given). Sampled in O(1) with one uniform by Walker's alias method, tables built by
 * Vose's algorithm ("A linear algorithm for generating random numbers with a given
 * distribution", IEEE TSE 17(9), 1991). Mean and variance are those of the discrete
 * distribution itself.
 */
export class EmpiricalDistribution implements Distribution {
  readonly mean: number;
  readonly variance: number;
  readonly size: number;
  private readonly values: Float64Array;
  /** Probability of keeping column i rather than taking its alias. */
  private readonly keep: Float64Array;
  private readonly alias: Int32Array;

  constructor(values: readonly number[], weights?: readonly number[], at?: SpecLocation) {
    const n = values.length;
    if (n === 0) paramError(at, 'values', 'values must be a non-empty list, got []');
    values.forEach((v, i) => {
      if (!(v >= 0 && v < Infinity)) {
        paramError(at, `values[${i}]`, `values must be non-negative finite numbers, got ${v}`);
      }
    });
    if (weights !== undefined && weights.length !== n) {
      paramError(
        at,
        'weights',
        `weights must have one entry per value (${n}), got ${weights.length}`,
      );
    }
    weights?.forEach((w, i) => checkWeight(w, `weights[${i}]`, at));
    const w = weights ?? values.map(() => 1);
    const total = w.reduce((s, x) => s + x, 0);
    const p = w.map((x) => x / total);
    this.size = n;
    this.values = Float64Array.from(values);
    this.mean = p.reduce((s, pi, i) => s + pi * (values[i] as number), 0);
    this.variance = p.reduce((s, pi, i) => s + pi * ((values[i] as number) - this.mean) ** 2, 0);
    this.keep = new Float64Array(n);
    this.alias = new Int32Array(n);
    this.buildAliasTable(p);
  }

  /** Vose: pair each under-full column with an over-full donor until all are full. */
  private buildAliasTable(p: readonly number[]): void {
    const n = p.length;
    const scaled = p.map((x) => x * n);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((x, i) => (x < 1 ? small : large).push(i));
    for (let i = 0; i < n; i++) this.alias[i] = i;
    while (small.length > 0 && large.length > 0) {
      const s = small.pop() as number;
      const l = large.pop() as number;
      this.keep[s] = scaled[s] as number;
      this.alias[s] = l;
      scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1;
      ((scaled[l] as number) < 1 ? small : large).push(l);
    }
    // What is left is full up to rounding error.
    for (const i of [...small, ...large]) this.keep[i] = 1;
  }

  sample(rng: RngStream): number {
    const x = rng.next() * this.size;
    const column = Math.floor(x);
    const pick = x - column < (this.keep[column] as number) ? column : this.alias[column];
    return this.values[pick as number] as number;
  }

  describe(): string {
    return `empirical(n=${this.size}, mean=${fmt(this.mean)})`;
  }
}
