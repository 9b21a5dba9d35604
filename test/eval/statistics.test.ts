import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapInterval,
  mean,
  pairedComparison,
  quantileSorted,
  signTestP,
  wilcoxonSignedRankP,
} from '../../eval/statistics.js';

test('mean averages the values and is NaN for none', () => {
  assert.equal(mean([1, 2, 3, 6]), 3);
  assert.ok(Number.isNaN(mean([])));
});

test('quantileSorted interpolates between order statistics like NumPy', () => {
  // (n − 1)·q = 3 × 0.25 = 0.75 → 10 + 0.75 × (20 − 10)
  assert.equal(quantileSorted([10, 20, 30, 40], 0.25), 17.5);
  assert.equal(quantileSorted([10, 20, 30, 40], 1), 40);
});

test('a bootstrap interval of one value collapses to that value', () => {
  assert.deepEqual(bootstrapInterval([0.7]), { n: 1, mean: 0.7, low: 0.7, high: 0.7 });
});

test('a bootstrap interval of equal values has zero width', () => {
  const i = bootstrapInterval([0.5, 0.5, 0.5]);
  assert.equal(i.low, 0.5);
  assert.equal(i.high, 0.5);
});

test('the bootstrap interval of {0, 1} spans the resampled means 0 and 1', () => {
  // Resampled means are 0, ½, 1 with probabilities ¼, ½, ¼: the 2.5% and 97.5% quantiles
  // of 2000 of them are 0 and 1.
  const i = bootstrapInterval([0, 1]);
  assert.equal(i.mean, 0.5);
  assert.equal(i.low, 0);
  assert.equal(i.high, 1);
});

test('the same seed gives the same interval and another seed may not', () => {
  const xs = [0.1, 0.5, 0.35, 0.8, 0.62];
  assert.deepEqual(bootstrapInterval(xs, { seed: 3 }), bootstrapInterval(xs, { seed: 3 }));
  const i = bootstrapInterval(xs, { seed: 3 });
  assert.ok(i.low >= 0.1 && i.low < i.mean && i.mean < i.high && i.high <= 0.8);
});

test('the sign test of five wins out of five has p = 2/32', () => {
  assert.equal(signTestP([1, 2, 3, 4, 5]), 2 / 32);
});

test('the sign test of four wins out of five has p = 2·(1 + 5)/32', () => {
  assert.equal(signTestP([1, 2, -3, 4, 5]), 12 / 32);
});

test('the sign test drops zeros and is 1 when nothing differs', () => {
  assert.equal(signTestP([0, 0, 1, 1, 1]), 2 / 8);
  assert.equal(signTestP([0, 0]), 1);
});

test('Wilcoxon with every difference positive has p = 2/2^n', () => {
  assert.equal(wilcoxonSignedRankP([1, 2, 3, 4, 5]), 2 / 32);
});

test('Wilcoxon counts sign patterns with a rank sum at most the smaller one', () => {
  // Ranks 1..5, the negative one has rank 2, so W− = 2. Subsets of {1..5} summing to at
  // most 2: {}, {1}, {2} → p = 2 × 3/32.
  assert.equal(wilcoxonSignedRankP([1, -2, 3, 4, 5]), 6 / 32);
});

test('Wilcoxon gives tied magnitudes their average rank', () => {
  // |d| all equal: ranks 2, 2, 2; W− = 2. Patterns with a sum ≤ 2: {} and the three
  // singletons → p = min(1, 2 × 4/8).
  assert.equal(wilcoxonSignedRankP([1, 1, -1]), 1);
  // Ranks 1.5, 1.5, 3; W− = 1.5: patterns {} and {1.5} twice → p = 2 × 3/8.
  assert.equal(wilcoxonSignedRankP([-1, 1, 2]), 6 / 8);
});

test('a paired comparison reports the mean difference and wins, ties and losses', () => {
  const c = pairedComparison([0.9, 0.8, 0.7, 0.6], [0.8, 0.8, 0.6, 0.7]);
  assert.equal(c.n, 4);
  assert.ok(Math.abs(c.mean - 0.025) < 1e-12);
  assert.deepEqual([c.wins, c.ties, c.losses], [2, 1, 1]);
  assert.ok(c.low <= c.mean && c.mean <= c.high);
});

test('a paired comparison refuses samples of different lengths', () => {
  assert.throws(() => pairedComparison([1, 2], [1]), /differ in length/);
});
