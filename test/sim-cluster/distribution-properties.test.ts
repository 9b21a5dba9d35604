import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createDistribution } from '../../sim-cluster/distributions.js';
import type { DistributionSpec } from '../../sim-cluster/scenario/types.js';
import { RngStream } from '../../sim-cluster/rng.js';

const positive = fc.double({ min: 1e-6, max: 1e3, noNaN: true });
const cv = fc.double({ min: 0.05, max: 5, noNaN: true });

type Supported = [DistributionSpec, number, number];
const supported = (spec: DistributionSpec, low: number, high: number): Supported => [
  spec,
  low,
  high,
];

/** Valid specs of every non-composite kind, with their support [low, high]. */
const specWithSupport: fc.Arbitrary<Supported> = fc.oneof(
  positive.map((mean) => supported({ dist: 'exponential', mean }, 0, Infinity)),
  positive.map((value) => supported({ dist: 'constant', value }, value, value)),
  fc
    .tuple(positive, positive)
    .map(([a, w]) => supported({ dist: 'uniform', min: a, max: a + w }, a, a + w)),
  fc
    .tuple(positive, cv)
    .map(([mean, c]) => supported({ dist: 'lognormal', mean, cv: c }, 0, Infinity)),
  fc.tuple(positive, cv).map(([mean, c]) => supported({ dist: 'gamma', mean, cv: c }, 0, Infinity)),
  fc
    .tuple(fc.double({ min: 0.2, max: 10, noNaN: true }), positive)
    .map(([shape, scale]) => supported({ dist: 'weibull', shape, scale }, 0, Infinity)),
  fc
    .tuple(fc.double({ min: 0.1, max: 3, noNaN: true }), positive, positive)
    .map(([alpha, min, w]) =>
      supported({ dist: 'pareto', alpha, min, max: min + w }, min, min + w),
    ),
  fc
    .array(fc.double({ min: 0, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 20 })
    .map((values) =>
      supported({ dist: 'empirical', values }, Math.min(...values), Math.max(...values)),
    ),
);

test('samples of every valid distribution are finite and lie in its support', () => {
  fc.assert(
    fc.property(specWithSupport, fc.integer({ min: 0, max: 1e6 }), ([spec, low, high], seed) => {
      const d = createDistribution(spec, { file: 'p', path: 'w' });
      const rng = new RngStream(seed, 'support');
      for (let i = 0; i < 200; i++) {
        const x = d.sample(rng);
        if (!(Number.isFinite(x) && x >= low && x <= high)) return false;
      }
      return Number.isFinite(d.mean) && d.mean >= 0 && d.variance >= 0;
    }),
  );
});

test('an empirical distribution only ever returns its own values', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 30 }),
      fc.array(fc.double({ min: 1e-3, max: 1e3, noNaN: true }), { minLength: 30, maxLength: 30 }),
      (values, rawWeights) => {
        const weights = rawWeights.slice(0, values.length);
        const d = createDistribution(
          { dist: 'empirical', values, weights },
          { file: 'p', path: 'w' },
        );
        const rng = new RngStream(1, 'empirical');
        const allowed = new Set(values);
        for (let i = 0; i < 300; i++) if (!allowed.has(d.sample(rng))) return false;
        return true;
      },
    ),
  );
});

test('the mean of a mixture lies between its components’ means', () => {
  fc.assert(
    fc.property(positive, positive, positive, positive, (m1, m2, w1, w2) => {
      const d = createDistribution(
        {
          dist: 'mixture',
          components: [
            { weight: w1, of: { dist: 'exponential', mean: m1 } },
            { weight: w2, of: { dist: 'constant', value: m2 } },
          ],
        },
        { file: 'p', path: 'w' },
      );
      const tolerance = 1e-12 * Math.max(m1, m2);
      return d.mean >= Math.min(m1, m2) - tolerance && d.mean <= Math.max(m1, m2) + tolerance;
    }),
  );
});

test('a uniform with min equal to max always returns that value', () => {
  const d = createDistribution({ dist: 'uniform', min: 2, max: 2 }, { file: 'p', path: 'w' });
  const rng = new RngStream(3, 'degenerate');
  for (let i = 0; i < 10; i++) assert.equal(d.sample(rng), 2);
  assert.equal(d.variance, 0);
});
