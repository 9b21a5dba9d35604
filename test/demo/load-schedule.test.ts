import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchedule, poissonArrivals } from '../../demo/load-schedule.js';
import { RngStream } from '../../sim-cluster/rng.js';

test('a Poisson schedule has λT arrivals within five standard deviations (√λT)', () => {
  for (const seed of [1, 2, 3]) {
    const rate = 200;
    const duration = 50;
    const n = poissonArrivals(rate, duration, new RngStream(seed, 'arrivals')).length;
    const mean = rate * duration;
    assert.ok(
      Math.abs(n - mean) < 5 * Math.sqrt(mean),
      `seed ${seed}: ${n} arrivals, expected ${mean}`,
    );
  }
});

test('Poisson gaps are exponential: mean 1/λ and coefficient of variation 1', () => {
  const rate = 50;
  const times = poissonArrivals(rate, 400, new RngStream(7, 'arrivals'));
  const gaps = Array.from(times, (t, i) => t - (i === 0 ? 0 : times[i - 1]!));
  const mean = gaps.reduce((a, g) => a + g, 0) / gaps.length;
  const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
  // n = 20000 gaps: the standard error of the mean is (1/λ)/√n ≈ 0.7% of it.
  assert.ok(Math.abs(mean * rate - 1) < 0.04, `mean gap ${mean}`);
  assert.ok(Math.abs(sd / mean - 1) < 0.05, `cv ${sd / mean}`);
});

test('arrival times are increasing and inside [0, duration)', () => {
  const times = poissonArrivals(100, 3, new RngStream(1, 'arrivals'));
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! >= times[i - 1]!);
  assert.ok(times[0]! >= 0 && times[times.length - 1]! < 3);
});

const TENANTS = [
  { name: 'gold', ratePerSecond: 50, requests: { browse: 3, checkout: 1 } },
  { name: 'bronze', ratePerSecond: 150, requests: { browse: 1, checkout: 1 } },
];

test('the same seed gives the same schedule, another seed a different one', () => {
  const a = buildSchedule(TENANTS, 10, 42);
  const b = buildSchedule(TENANTS, 10, 42);
  const c = buildSchedule(TENANTS, 10, 43);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.atSeconds, c.atSeconds);
});

test('the merged schedule is in time order and each tenant keeps its rate and request mix', () => {
  const s = buildSchedule(TENANTS, 100, 5);
  for (let i = 1; i < s.atSeconds.length; i++) assert.ok(s.atSeconds[i]! >= s.atSeconds[i - 1]!);
  const gold = s.tenant.filter((t) => t === 0).length;
  assert.ok(Math.abs(gold - 5000) < 5 * Math.sqrt(5000), `gold sent ${gold}`);
  const browse = s.apis.indexOf('browse');
  let goldBrowse = 0;
  s.tenant.forEach((t, i) => {
    if (t === 0 && s.api[i] === browse) goldBrowse++;
  });
  // Binomial(n, 3/4): standard deviation √(n·3/16).
  assert.ok(Math.abs(goldBrowse - 0.75 * gold) < 5 * Math.sqrt((gold * 3) / 16));
});

test('a schedule with a zero rate sends nothing, and a negative rate is refused', () => {
  assert.equal(poissonArrivals(0, 10, new RngStream(1, 'a')).length, 0);
  assert.throws(() => poissonArrivals(-1, 10, new RngStream(1, 'a')), /ratePerSecond/);
});
