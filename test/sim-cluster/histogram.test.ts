import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LatencyHistogram, nearestRank } from '../../sim-cluster/histogram.js';
import { RngStream } from '../../sim-cluster/rng.js';
import { InvalidArgumentError } from '../../sim-cluster/errors.js';

/** Nearest-rank percentile of sorted values: the ⌈p/100·n⌉-th smallest (the first for p=0). */
function exactPercentile(sorted: readonly number[], p: number): number {
  return sorted[nearestRank(p, sorted.length) - 1] as number;
}

/** Log-uniform samples spanning 1e-5 s to 100 s. */
function logUniformSamples(n: number, seed: number): number[] {
  const rng = new RngStream(seed, 'histogram');
  return Array.from({ length: n }, () => 10 ** (-5 + 7 * rng.next()));
}

const PERCENTILES = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

test('three significant digits give 1024 sub-buckets and a 1/2048 relative error bound', () => {
  const h = new LatencyHistogram();
  assert.equal(h.subBuckets, 1024);
  assert.equal(h.relativeError, 1 / 2048);
  assert.ok(h.relativeError <= 1e-3);
});

test('percentiles match exact sorted percentiles within the relative error bound', () => {
  for (const digits of [1, 2, 3, 4]) {
    const h = new LatencyHistogram({ significantDigits: digits });
    const values = logUniformSamples(20000, digits);
    for (const v of values) h.record(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of PERCENTILES) {
      const exact = exactPercentile(sorted, p);
      const got = h.percentile(p);
      const error = Math.abs(got - exact) / exact;
      assert.ok(error <= h.relativeError, `digits ${digits} p${p}: ${got} vs ${exact}`);
      assert.ok(error <= 10 ** -digits);
    }
  }
});

test('percentiles stay within the bound for any set of values in the tracked range', () => {
  const h = new LatencyHistogram();
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 1e-6, max: 3600, noNaN: true }), { minLength: 1, maxLength: 200 }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      (values, p) => {
        h.reset();
        for (const v of values) h.record(v);
        const exact = exactPercentile(
          [...values].sort((a, b) => a - b),
          p,
        );
        return Math.abs(h.percentile(p) - exact) <= exact * h.relativeError;
      },
    ),
  );
});

test('the nearest rank of p99.9 among 1000 values is 999 despite binary rounding', () => {
  assert.equal(nearestRank(99.9, 1000), 999);
  assert.equal(nearestRank(50, 3), 2);
  assert.equal(nearestRank(0, 10), 1);
  assert.equal(nearestRank(100, 10), 10);
});

test('count, mean, min and max are exact', () => {
  const h = new LatencyHistogram();
  const values = [0.003, 0.0011, 0.25, 0.0011, 7];
  for (const v of values) h.record(v);
  assert.equal(h.count, 5);
  assert.equal(h.mean, (0.003 + 0.0011 + 0.25 + 0.0011 + 7) / 5);
  assert.equal(h.min, 0.0011);
  assert.equal(h.max, 7);
  assert.equal(h.percentile(100), 7);
  assert.equal(h.percentile(0), 0.0011);
});

test('fractionAtOrBelow lies between the exact fractions at x and at x·(1 + 1/S)', () => {
  const h = new LatencyHistogram({ significantDigits: 2 });
  const values = logUniformSamples(5000, 21);
  for (const v of values) h.record(v);
  const slack = 1 + 1 / h.subBuckets;
  for (const x of [1e-5, 3e-4, 0.01, 0.05, 0.1, 1, 42, 99]) {
    const atOrBelow = values.filter((v) => v <= x).length / values.length;
    const belowUpper = values.filter((v) => v < x * slack).length / values.length;
    const got = h.fractionAtOrBelow(x);
    assert.ok(
      got >= atOrBelow && got <= belowUpper,
      `x ${x}: ${got} not in [${atOrBelow}, ${belowUpper}]`,
    );
  }
});

test('fractionAtOrBelow is 0 below the minimum and 1 at or above the maximum', () => {
  const h = new LatencyHistogram();
  h.record(0.01);
  h.record(0.02);
  assert.equal(h.fractionAtOrBelow(0.009), 0);
  assert.equal(h.fractionAtOrBelow(0.02), 1);
  assert.equal(h.fractionAtOrBelow(0.015), 0.5);
});

test('merging equals recording both sets of values', () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  const both = new LatencyHistogram();
  const xs = logUniformSamples(3000, 31);
  const ys = logUniformSamples(2000, 32).map((y) => y / 10);
  for (const x of xs) {
    a.record(x);
    both.record(x);
  }
  for (const y of ys) {
    b.record(y);
    both.record(y);
  }
  a.merge(b);
  assert.equal(a.count, both.count);
  assert.equal(a.min, both.min);
  assert.equal(a.max, both.max);
  assert.ok(Math.abs(a.mean - both.mean) <= 1e-12 * both.mean);
  for (const p of PERCENTILES) assert.equal(a.percentile(p), both.percentile(p));
  for (const x of [1e-4, 0.01, 1]) assert.equal(a.fractionAtOrBelow(x), both.fractionAtOrBelow(x));
});

test('merging into a histogram that never recorded a value equals the merged one', () => {
  const fresh = new LatencyHistogram();
  const other = new LatencyHistogram();
  for (const v of logUniformSamples(500, 33)) other.record(v);
  fresh.merge(other);
  assert.deepEqual(fresh.toJSON(), other.toJSON());
  fresh.merge(new LatencyHistogram());
  assert.deepEqual(fresh.toJSON(), other.toJSON());
});

test('a histogram allocates its buckets only when its first value arrives', () => {
  // Counted per histogram, not by process.memoryUsage(): a GC freeing other tests'
  // buffers in between made a process-wide count flaky.
  const hs = Array.from({ length: 8 }, () => new LatencyHistogram());
  for (const h of hs) assert.equal(h.allocatedBytes, 0);
  for (const h of hs.slice(0, 4)) h.record(0.01);
  const full = hs[0]!.allocatedBytes;
  assert.ok(full >= 32 * 1024 * 8, `${full} bytes`);
  for (const h of hs.slice(0, 4)) assert.equal(h.allocatedBytes, full);
  for (const h of hs.slice(4)) assert.equal(h.allocatedBytes, 0);
  hs[4]!.merge(hs[5]!);
  assert.equal(hs[4]!.allocatedBytes, 0, 'merging an empty histogram allocates nothing');
  hs[5]!.merge(hs[0]!);
  assert.equal(hs[5]!.allocatedBytes, full);
  assert.equal(hs[0]!.percentile(50), hs[5]!.percentile(50));
});

test('merging histograms of different configurations is refused', () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram({ significantDigits: 2 });
  assert.throws(() => a.merge(b), InvalidArgumentError);
});

test('reset forgets every value', () => {
  const h = new LatencyHistogram();
  for (const v of logUniformSamples(100, 41)) h.record(v);
  h.reset();
  assert.deepEqual(h.toJSON(), { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
  h.record(0.5);
  assert.equal(h.count, 1);
  assert.equal(h.min, 0.5);
  assert.equal(h.percentile(1), 0.5);
});

test('an empty histogram reports 0 everywhere, so its JSON holds no NaN', () => {
  const h = new LatencyHistogram();
  assert.equal(h.percentile(99), 0);
  assert.equal(h.fractionAtOrBelow(1), 0);
  assert.equal(JSON.stringify(h), '{"count":0,"mean":0,"p50":0,"p90":0,"p99":0,"p999":0,"max":0}');
});

test('values outside the tracked range are clamped into the end buckets and counted', () => {
  const h = new LatencyHistogram({ lowestSeconds: 1e-3, highestSeconds: 10 });
  h.record(0);
  h.record(1e-5);
  h.record(50);
  h.record(20);
  assert.equal(h.count, 4);
  assert.equal(h.clampedCount, 2);
  assert.equal(h.min, 0);
  assert.equal(h.max, 50);
  // Both large values share the top bucket, which holds 10 s: reported near 10 s.
  assert.ok(Math.abs(h.percentile(75) - 10) <= 10 * h.relativeError);
  assert.ok(h.percentile(50) <= 1e-3 * (1 + 2 / h.subBuckets));
});

test('a value on a power-of-two edge and the double just below it land in different buckets', () => {
  const h = new LatencyHistogram();
  const below = 0.125 * (1 - 2 ** -40);
  h.record(0.125);
  h.record(below);
  // x lies strictly between the two: only the lower value's bucket is at or below x.
  assert.equal(h.fractionAtOrBelow(0.125 * (1 - 2 ** -41)), 0.5);
});

test('toJSON summarises count, mean, p50, p90, p99, p999 and max', () => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 1000; i++) h.record(i / 1000);
  const s = h.toJSON();
  assert.equal(s.count, 1000);
  assert.ok(Math.abs(s.mean - 0.5005) < 1e-12);
  assert.equal(s.max, 1);
  // Nearest-rank values are 0.5, 0.9, 0.99 and 0.999 s.
  for (const [got, exact] of [
    [s.p50, 0.5],
    [s.p90, 0.9],
    [s.p99, 0.99],
    [s.p999, 0.999],
  ] as const) {
    assert.ok(Math.abs(got - exact) <= exact * h.relativeError, `${got} vs ${exact}`);
  }
});

test('invalid values, percentiles and options are rejected', () => {
  const h = new LatencyHistogram();
  assert.throws(() => h.record(-1), /got -1/);
  assert.throws(() => h.record(Number.NaN), /got NaN/);
  assert.throws(() => h.record(Infinity), /got Infinity/);
  assert.throws(() => h.percentile(101), /percentile must be in \[0, 100\], got 101/);
  assert.throws(() => new LatencyHistogram({ significantDigits: 6 }), /got 6/);
  assert.throws(() => new LatencyHistogram({ lowestSeconds: 0 }), /got 0/);
  assert.throws(() => new LatencyHistogram({ lowestSeconds: 1, highestSeconds: 1.5 }), /got 1.5/);
});
