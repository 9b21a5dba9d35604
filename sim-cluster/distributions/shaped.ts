/**
 * Distributions given by their mean and coefficient of variation (cv = standard
 * deviation / mean), the natural knobs for service times: lognormal and gamma.
 */
import type { Distribution } from '../distribution.js';
import type { RngStream } from '../rng.js';
import { checkPositive, fmt, type SpecLocation } from './params.js';

const TWO_PI = 2 * Math.PI;

/**
 * One standard normal draw by Box–Muller from two uniforms. The second normal of the
 * pair is discarded on purpose: caching it would couple consecutive samples and make a
 * draw depend on whether the previous call used the spare, so every sample costs
 * exactly two uniforms and the stream stays easy to reason about.
 */
export function standardNormal(rng: RngStream): number {
  return Math.sqrt(-2 * Math.log(rng.nextOpen())) * Math.cos(TWO_PI * rng.next());
}

/**
 * Lognormal with the given mean and cv: σ² = ln(1 + cv²), μ = ln(mean) − σ²/2, so
 * E[X] = mean and Var[X] = (cv·mean)². Two uniforms per sample.
 */
export class LognormalDistribution implements Distribution {
  readonly mean: number;
  readonly cv: number;
  readonly variance: number;
  /** μ and σ of the underlying normal. */
  readonly mu: number;
  readonly sigma: number;

  constructor(mean: number, cv: number, at?: SpecLocation) {
    this.mean = checkPositive(mean, 'mean', at);
    this.cv = checkPositive(cv, 'cv', at);
    const sigma2 = Math.log1p(cv * cv);
    this.sigma = Math.sqrt(sigma2);
    this.mu = Math.log(mean) - sigma2 / 2;
    this.variance = cv * mean * (cv * mean);
  }

  sample(rng: RngStream): number {
    return Math.exp(this.mu + this.sigma * standardNormal(rng));
  }

  describe(): string {
    return `lognormal(mean=${fmt(this.mean)}, cv=${fmt(this.cv)})`;
  }
}

/**
 * Gamma with the given mean and cv: shape k = 1/cv², scale θ = mean/k, so E[X] = mean and
 * Var[X] = (cv·mean)². Sampled by Marsaglia & Tsang, "A simple method for generating
 * gamma variables" (ACM TOMS 26(3), 2000); for k < 1 it samples shape k + 1 and boosts
 * by U^(1/k) (same paper, section 6). Rejection sampling: the number of uniforms per
 * sample varies (acceptance above 95% for k >= 1).
 */
export class GammaDistribution implements Distribution {
  readonly mean: number;
  readonly cv: number;
  readonly variance: number;
  /** Shape k and scale θ. */
  readonly shape: number;
  readonly scale: number;
  /** Marsaglia–Tsang constants for shape max(k, k + 1 when k < 1). */
  private readonly d: number;
  private readonly c: number;
  /** 1/k when boosting (k < 1), else 0. */
  private readonly boost: number;

  constructor(mean: number, cv: number, at?: SpecLocation) {
    this.mean = checkPositive(mean, 'mean', at);
    this.cv = checkPositive(cv, 'cv', at);
    this.shape = 1 / (cv * cv);
    this.scale = mean / this.shape;
    this.variance = cv * mean * (cv * mean);
    const k = this.shape < 1 ? this.shape + 1 : this.shape;
    this.d = k - 1 / 3;
    this.c = 1 / Math.sqrt(9 * this.d);
    this.boost = this.shape < 1 ? 1 / this.shape : 0;
  }

  sample(rng: RngStream): number {
    const { d, c } = this;
    let v: number;
    for (;;) {
      const x = standardNormal(rng);
      const t = 1 + c * x;
      if (t <= 0) continue;
      v = t * t * t;
      const u = rng.nextOpen();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) break;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) break;
    }
    const g = d * v * this.scale;
    return this.boost === 0 ? g : g * Math.pow(rng.nextOpen(), this.boost);
  }

  describe(): string {
    return `gamma(mean=${fmt(this.mean)}, cv=${fmt(this.cv)})`;
  }
}
