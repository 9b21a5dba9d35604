import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RngStream } from '../../sim-cluster/rng.js';
import type { Distribution } from '../../sim-cluster/distribution.js';
import {
  BoundedParetoDistribution,
  ConstantDistribution,
  EmpiricalDistribution,
  ExponentialDistribution,
  GammaDistribution,
  LognormalDistribution,
  MixtureDistribution,
  UniformDistribution,
  WeibullDistribution,
  createDistribution,
} from '../../sim-cluster/distributions.js';
import { gammaFunction } from '../../sim-cluster/distributions/gamma-function.js';
import { InvalidArgumentError } from '../../sim-cluster/errors.js';

const N = 400_000;

/**
 * Draws N samples and checks the sample mean and variance against the exact ones within
 * five standard errors: SE(mean) = sqrt(σ²/N), SE(variance) ≈ sqrt((μ4 − σ⁴)/N), where
 * μ4 is the fourth central moment derived for each case below.
 */
function assertMoments(d: Distribution, mu4: number, seed: number): void {
  const rng = new RngStream(seed, 'moments');
  let sum = 0;
  let sumSq = 0;
  const shift = d.mean; // centring keeps the variance estimate accurate
  for (let i = 0; i < N; i++) {
    const x = d.sample(rng) - shift;
    sum += x;
    sumSq += x * x;
  }
  const meanDev = sum / N;
  const variance = sumSq / N - meanDev * meanDev;
  const seMean = Math.sqrt(d.variance / N);
  const seVar = Math.sqrt((mu4 - d.variance * d.variance) / N);
  assert.ok(Math.abs(meanDev) < 5 * seMean, `${d.describe()}: mean off by ${meanDev}`);
  assert.ok(
    // The estimate also subtracts the squared mean error, itself below (5·SE(mean))².
    Math.abs(variance - d.variance) < 5 * seVar + 25 * seMean * seMean,
    `${d.describe()}: variance ${variance} vs ${d.variance}`,
  );
}

test('exponential samples have mean m and variance m² (fourth central moment 9m⁴)', () => {
  const d = new ExponentialDistribution(0.01);
  assert.equal(d.mean, 0.01);
  assert.equal(d.variance, 0.0001);
  assertMoments(d, 9 * 0.01 ** 4, 1);
});

test('uniform samples have mean (a+b)/2 and variance w²/12 (fourth moment w⁴/80)', () => {
  const d = new UniformDistribution(2, 5);
  assert.equal(d.mean, 3.5);
  assert.equal(d.variance, 9 / 12);
  assertMoments(d, 3 ** 4 / 80, 2);
});

test('uniform samples stay within [min, max)', () => {
  const d = new UniformDistribution(1, 1.5);
  const rng = new RngStream(3, 'range');
  for (let i = 0; i < 10000; i++) {
    const x = d.sample(rng);
    assert.ok(x >= 1 && x < 1.5, `got ${x}`);
  }
});

test('a constant always returns its value and has zero variance', () => {
  const d = new ConstantDistribution(0.25);
  const rng = new RngStream(4, 'c');
  for (let i = 0; i < 100; i++) assert.equal(d.sample(rng), 0.25);
  assert.equal(d.mean, 0.25);
  assert.equal(d.variance, 0);
});

test('lognormal(mean, cv) has the requested mean and variance (cv·mean)²', () => {
  const d = new LognormalDistribution(0.008, 0.5);
  assert.ok(Math.abs(d.variance - 0.004 ** 2) < 1e-18);
  // Kurtosis of a lognormal with ω = 1 + cv²: ω⁴ + 2ω³ + 3ω² − 3.
  const w = 1.25;
  const kurtosis = w ** 4 + 2 * w ** 3 + 3 * w ** 2 - 3;
  assertMoments(d, kurtosis * d.variance ** 2, 5);
});

test('lognormal parameters follow σ² = ln(1 + cv²) and μ = ln(mean) − σ²/2', () => {
  const d = new LognormalDistribution(2, 1);
  assert.ok(Math.abs(d.sigma - Math.sqrt(Math.LN2)) < 1e-15);
  assert.ok(Math.abs(d.mu - (Math.LN2 - Math.LN2 / 2)) < 1e-15);
});

test('gamma with shape above one has the requested mean and variance', () => {
  const d = new GammaDistribution(0.01, 0.5); // shape k = 4
  assert.equal(d.shape, 4);
  // Excess kurtosis of a gamma is 6/k, so μ4 = (3 + 6/k)σ⁴.
  assertMoments(d, (3 + 6 / 4) * d.variance ** 2, 6);
});

test('gamma with shape below one (boosted sampler) has the requested mean and variance', () => {
  const d = new GammaDistribution(1, 2); // shape k = 0.25
  assert.equal(d.shape, 0.25);
  assertMoments(d, (3 + 6 / 0.25) * d.variance ** 2, 7);
});

test('the gamma function matches known values (Γ(10.5) = 19!!·√π/2¹⁰)', () => {
  assert.equal(gammaFunction(5), 24);
  assert.ok(Math.abs(gammaFunction(0.5) - Math.sqrt(Math.PI)) < 1e-13);
  assert.ok(Math.abs(gammaFunction(1.5) - Math.sqrt(Math.PI) / 2) < 1e-13);
  assert.ok(Math.abs(gammaFunction(10.5) / ((654729075 / 1024) * Math.sqrt(Math.PI)) - 1) < 1e-12);
});

test('weibull with shape 2 has mean λ√π/2 and variance λ²(1 − π/4)', () => {
  const d = new WeibullDistribution(2, 3);
  assert.ok(Math.abs(d.mean - (3 * Math.sqrt(Math.PI)) / 2) < 1e-12);
  assert.ok(Math.abs(d.variance - 9 * (1 - Math.PI / 4)) < 1e-12);
  // Raw moments λ^r Γ(1 + r/2): Γ(2)=1, Γ(2.5)=3√π/4, Γ(3)=2.
  const m1 = d.mean;
  const m2 = 9;
  const m3 = 27 * ((3 * Math.sqrt(Math.PI)) / 4);
  const m4 = 81 * 2;
  const mu4 = m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 ** 4;
  assertMoments(d, mu4, 8);
});

test('weibull with shape 1/2 has mean 2λ and variance 20λ²', () => {
  const d = new WeibullDistribution(0.5, 0.1);
  assert.ok(Math.abs(d.mean - 0.2) < 1e-15);
  assert.ok(Math.abs(d.variance - 0.2) < 1e-14);
  // Raw moments λ^r Γ(1 + 2r) = λ^r (2r)!: central μ4 = (40320 − 5760 + 576 − 48) λ⁴.
  assertMoments(d, 35088 * 0.1 ** 4, 9);
});

test('bounded pareto with alpha 1 on [1, 10] has mean ln10/0.9 and E[X²] 10', () => {
  const d = new BoundedParetoDistribution(1, 1, 10);
  const mean = Math.LN10 / 0.9;
  assert.ok(Math.abs(d.mean - mean) < 1e-12);
  assert.ok(Math.abs(d.variance - (10 - mean * mean)) < 1e-12);
  // (X − μ)⁴ ≤ (max − min)²(X − μ)², so μ4 ≤ 81σ²: a conservative bound.
  assertMoments(d, 81 * d.variance + d.variance ** 2, 10);
});

test('bounded pareto with alpha 2 on [1, 10] has mean 1.8/0.99 and E[X²] 2ln10/0.99', () => {
  const d = new BoundedParetoDistribution(2, 1, 10);
  const mean = 1.8 / 0.99;
  assert.ok(Math.abs(d.mean - mean) < 1e-12);
  assert.ok(Math.abs(d.variance - ((2 * Math.LN10) / 0.99 - mean * mean)) < 1e-12);
  assertMoments(d, 81 * d.variance + d.variance ** 2, 11);
});

test('bounded pareto samples stay within [min, max]', () => {
  const d = new BoundedParetoDistribution(0.5, 0.001, 10);
  const rng = new RngStream(12, 'range');
  for (let i = 0; i < 100000; i++) {
    const x = d.sample(rng);
    assert.ok(x >= 0.001 && x <= 10, `got ${x}`);
  }
});

test('a mixture has mean Σpμ and variance by the law of total variance', () => {
  // 0.3 × constant(1) + 0.7 × exponential(mean 2): mean 1.7, E[X²] = 0.3 + 0.7·8 = 5.9.
  const d = new MixtureDistribution([
    { weight: 3, distribution: new ConstantDistribution(1) },
    { weight: 7, distribution: new ExponentialDistribution(2) },
  ]);
  assert.ok(Math.abs(d.mean - 1.7) < 1e-12);
  assert.ok(Math.abs(d.variance - (5.9 - 1.7 * 1.7)) < 1e-12);
  // μ4 = 0.3(1 − 1.7)⁴ + 0.7 E[(Y − 1.7)⁴] with E[Y^r] = r!·2^r.
  const c = 1.7;
  const expTerm = 384 - 4 * c * 48 + 6 * c * c * 8 - 4 * c ** 3 * 2 + c ** 4;
  assertMoments(d, 0.3 * (1 - c) ** 4 + 0.7 * expTerm, 13);
});

test('a mixture with an infinite-variance component has infinite variance', () => {
  const heavy: Distribution = {
    mean: 1,
    variance: Infinity,
    sample: () => 1,
    describe: () => 'heavy',
  };
  const d = new MixtureDistribution([
    { weight: 1, distribution: heavy },
    { weight: 1, distribution: new ConstantDistribution(1) },
  ]);
  assert.equal(d.variance, Infinity);
});

test('empirical samples hit each value with its weight’s probability', () => {
  const d = new EmpiricalDistribution([1, 2, 5, 9], [1, 1, 2, 4]);
  const p = new Map([
    [1, 1 / 8],
    [2, 1 / 8],
    [5, 2 / 8],
    [9, 4 / 8],
  ]);
  const counts = new Map<number, number>();
  const rng = new RngStream(14, 'alias');
  for (let i = 0; i < N; i++) {
    const x = d.sample(rng);
    counts.set(x, (counts.get(x) ?? 0) + 1);
  }
  assert.deepEqual(
    [...counts.keys()].sort((a, b) => a - b),
    [1, 2, 5, 9],
  );
  for (const [value, prob] of p) {
    const freq = (counts.get(value) ?? 0) / N;
    const se = Math.sqrt((prob * (1 - prob)) / N);
    assert.ok(Math.abs(freq - prob) < 5 * se, `value ${value}: ${freq} vs ${prob}`);
  }
});

test('empirical mean and variance are those of the weighted values', () => {
  const d = new EmpiricalDistribution([1, 2, 5], [1, 1, 2]);
  assert.ok(Math.abs(d.mean - 3.25) < 1e-12);
  assert.ok(Math.abs(d.variance - (13.75 - 3.25 ** 2)) < 1e-12);
});

test('empirical without weights treats every value as equally likely', () => {
  const d = new EmpiricalDistribution([0, 10]);
  assert.equal(d.mean, 5);
  assert.equal(d.variance, 25);
  assertMoments(d, 625, 15);
});

test('the same spec and seed give the same samples', () => {
  const spec = { dist: 'gamma', mean: 1, cv: 0.7 } as const;
  const at = { file: 'x', path: 'w' };
  const a = createDistribution(spec, at);
  const b = createDistribution(spec, at);
  const ra = new RngStream(16, 's');
  const rb = new RngStream(16, 's');
  for (let i = 0; i < 1000; i++) assert.equal(a.sample(ra), b.sample(rb));
});

test('describe names the kind and its parameters', () => {
  assert.equal(new ExponentialDistribution(0.01).describe(), 'exponential(mean=0.01)');
  assert.equal(new LognormalDistribution(0.002, 1).describe(), 'lognormal(mean=0.002, cv=1)');
  const m = createDistribution(
    {
      dist: 'mixture',
      components: [
        { weight: 1, of: { dist: 'constant', value: 1 } },
        { weight: 3, of: { dist: 'uniform', min: 0, max: 2 } },
      ],
    },
    { file: 'f', path: 'p' },
  );
  assert.equal(m.describe(), 'mixture(0.25×constant(value=1), 0.75×uniform(min=0, max=2))');
});

test('distributions built in code report bad parameters as InvalidArgumentError', () => {
  assert.throws(
    () => new ExponentialDistribution(-1),
    (e: unknown) =>
      e instanceof InvalidArgumentError &&
      e.message === 'mean must be a positive finite number, got -1',
  );
});
