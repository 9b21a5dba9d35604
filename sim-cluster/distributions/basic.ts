/**
 * Distributions sampled by one uniform draw through a closed-form inverse CDF (or none):
 * exponential, constant, uniform, Weibull and bounded Pareto. All values are in the
 * caller's unit (seconds of work, seconds of latency).
 */
import type { Distribution } from '../distribution.js';
import type { RngStream } from '../rng.js';
import { gammaFunction } from './gamma-function.js';
import { checkNonNegative, checkPositive, fmt, paramError, type SpecLocation } from './params.js';

/** Exponential with the given mean (rate 1/mean). One uniform per sample. */
export class ExponentialDistribution implements Distribution {
  readonly mean: number;
  readonly variance: number;

  constructor(mean: number, at?: SpecLocation) {
    this.mean = checkPositive(mean, 'mean', at);
    this.variance = mean * mean;
  }

  sample(rng: RngStream): number {
    return -this.mean * Math.log(rng.nextOpen());
  }

  describe(): string {
    return `exponential(mean=${fmt(this.mean)})`;
  }
}

/** Always `value`. Draws nothing from the stream. */
export class ConstantDistribution implements Distribution {
  readonly value: number;
  readonly mean: number;
  readonly variance = 0;

  constructor(value: number, at?: SpecLocation) {
    this.value = checkNonNegative(value, 'value', at);
    this.mean = value;
  }

  sample(_rng: RngStream): number {
    return this.value;
  }

  describe(): string {
    return `constant(value=${fmt(this.value)})`;
  }
}

/** Uniform on [min, max) with 0 <= min <= max. One uniform per sample. */
export class UniformDistribution implements Distribution {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly variance: number;
  private readonly width: number;

  constructor(min: number, max: number, at?: SpecLocation) {
    this.min = checkNonNegative(min, 'min', at);
    this.max = checkNonNegative(max, 'max', at);
    if (max < min) paramError(at, 'max', `max must be >= min (${min}), got ${max}`);
    this.width = max - min;
    this.mean = (min + max) / 2;
    this.variance = (this.width * this.width) / 12;
  }

  sample(rng: RngStream): number {
    return this.min + this.width * rng.next();
  }

  describe(): string {
    return `uniform(min=${fmt(this.min)}, max=${fmt(this.max)})`;
  }
}

/**
 * Weibull with shape k and scale λ: P(X > x) = exp(-(x/λ)^k). Mean λΓ(1+1/k), variance
 * λ²(Γ(1+2/k) − Γ(1+1/k)²). One uniform per sample by inversion.
 */
export class WeibullDistribution implements Distribution {
  readonly shape: number;
  readonly scale: number;
  readonly mean: number;
  readonly variance: number;
  private readonly invShape: number;

  constructor(shape: number, scale: number, at?: SpecLocation) {
    this.shape = checkPositive(shape, 'shape', at);
    this.scale = checkPositive(scale, 'scale', at);
    this.invShape = 1 / shape;
    const g1 = gammaFunction(1 + 1 / shape);
    this.mean = scale * g1;
    if (!Number.isFinite(this.mean)) {
      paramError(
        at,
        'shape',
        `shape must give a finite mean scale·Γ(1 + 1/shape), got shape ${shape} with scale ${scale}`,
      );
    }
    this.variance = scale * scale * Math.max(0, gammaFunction(1 + 2 / shape) - g1 * g1);
  }

  sample(rng: RngStream): number {
    return this.scale * Math.pow(-Math.log(rng.nextOpen()), this.invShape);
  }

  describe(): string {
    return `weibull(shape=${fmt(this.shape)}, scale=${fmt(this.scale)})`;
  }
}

/**
 * Bounded Pareto on [min, max] with tail index alpha: density ∝ x^-(alpha+1). Heavy-tailed
 * yet with finite moments, the usual model of job sizes (Harchol-Balter). Sampled by
 * inverting the CDF F(x) = (1 − (min/x)^α) / (1 − (min/max)^α): one uniform per sample.
 */
export class BoundedParetoDistribution implements Distribution {
  readonly alpha: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly variance: number;
  /** 1 − (min/max)^alpha: the CDF's normaliser. */
  private readonly mass: number;
  private readonly invAlpha: number;

  constructor(alpha: number, min: number, max: number, at?: SpecLocation) {
    this.alpha = checkPositive(alpha, 'alpha', at);
    this.min = checkPositive(min, 'min', at);
    this.max = checkPositive(max, 'max', at);
    if (!(max > min)) paramError(at, 'max', `max must be > min (${min}), got ${max}`);
    this.invAlpha = 1 / alpha;
    this.mass = -Math.expm1(alpha * Math.log(min / max));
    this.mean = this.moment(1);
    this.variance = Math.max(0, this.moment(2) - this.mean * this.mean);
  }

  /**
   * E[X^m] = α·min^m / mass · ((max/min)^(m−α) − 1) / (m − α), whose limit at m = α is
   * α·min^m / mass · ln(max/min); expm1 keeps it accurate near that limit.
   */
  private moment(m: number): number {
    const logRatio = Math.log(this.max / this.min);
    const d = m - this.alpha;
    const integral = d === 0 ? logRatio : Math.expm1(d * logRatio) / d;
    return ((this.alpha * Math.pow(this.min, m)) / this.mass) * integral;
  }

  sample(rng: RngStream): number {
    const x = this.min / Math.pow(1 - rng.next() * this.mass, this.invAlpha);
    return x < this.max ? x : this.max;
  }

  describe(): string {
    return `pareto(alpha=${fmt(this.alpha)}, min=${fmt(this.min)}, max=${fmt(this.max)})`;
  }
}
