/**
 * Each controller where its mechanism matters, against no control on the same seeded
 * scenario. Short simulated durations keep the suite fast.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateWithPolicy } from '../../policies/control-loop.js';
import { createPolicy } from '../../policies/registry.js';
import type { Scenario } from '../../sim-cluster/scenario/types.js';
import { call, scenario, service, tenant } from '../sim-cluster/scenarios-inline.js';

const exp = (mean: number) => ({ dist: 'exponential' as const, mean });
const constant = (value: number) => ({ dist: 'constant' as const, value });
const run = (s: Scenario, policy: string) => simulateWithPolicy(s, createPolicy(policy));

test('Retro LATENCY protects a high-priority tenant during a noisy-neighbour burst, where no control does not', () => {
  // 4 workers × 5 ms: 800/s. The low-priority tenant bursts from 200/s to 900/s for 20 s.
  const s = scenario(
    [service('api', { workers: 4 })],
    call('api', exp(0.005)),
    [
      tenant('high', 200, 'get', { weight: 2, slo: { latency: 0.05, percentile: 99 } }),
      tenant('low', 0, 'get', {
        arrivals: {
          process: 'schedule',
          interpolate: 'step',
          points: [
            { at: 0, rate: 200 },
            { at: 10, rate: 900 },
            { at: 30, rate: 200 },
          ],
        },
      }),
    ],
    { duration: 35, warmup: 5 },
  );
  const none = run(s, 'none').tenants.high!.sloAttainment;
  const retro = run(s, 'retro-latency').tenants.high!.sloAttainment;
  assert.ok(none < 0.5, `no control: high-priority SLO score ${none}`);
  assert.ok(retro > 0.9, `Retro LATENCY: high-priority SLO score ${retro}`);
});

for (const work of [constant(0.01), { dist: 'lognormal' as const, mean: 0.01, cv: 1.5 }]) {
  test(`Clockwork-style admission keeps admitted requests' p99 under the deadline at 2x overload (${work.dist} work)`, () => {
    // 4 workers × 10 ms mean: 400/s; offered 800/s. With variable work the predictor
    // admits on the quantile of the predicted latency at the SLO percentile, not its mean.
    const s = scenario(
      [service('api', { workers: 4 })],
      call('api', work),
      [tenant('t', 800, 'get', { slo: { latency: 0.1, percentile: 99 } })],
      { duration: 30, warmup: 2 },
    );
    const none = run(s, 'none').tenants.t!;
    const clockwork = run(s, 'clockwork').tenants.t!;
    assert.ok(none.latency.p99 > 1, `no control p99 ${none.latency.p99}`);
    assert.ok(clockwork.latency.p99 <= 0.1, `Clockwork p99 ${clockwork.latency.p99}`);
    // It still serves at capacity: rejections are of requests that could not make it.
    assert.ok(clockwork.throughput > 0.95 * 400, `Clockwork throughput ${clockwork.throughput}`);
  });
}

/** Blocking front (16 workers) over a 400/s back end, offered 800/s; clients time out at 200 ms and retry 3 times. */
function retryStorm(): Scenario {
  return scenario(
    [service('front', { workers: 16 }), service('back', { workers: 4 })],
    call('front', constant(0.0005), { steps: [[call('back', exp(0.01))]] }),
    [
      tenant('t', 800, 'get', {
        slo: { latency: 0.2, percentile: 99 },
        client: {
          timeout: 0.2,
          retries: 3,
          backoff: { base: 0.01, multiplier: 2, max: 0.1, jitter: 'full' },
        },
      }),
    ],
    { duration: 30, warmup: 5 },
  );
}
const CAPACITY = 400;
const goodputPerSecond = (policy: string) => {
  const r = run(retryStorm(), policy);
  return r.tenants.t!.goodput / r.simulatedSeconds;
};

test('under a timeout-and-retry overload no control collapses to almost no goodput', () => {
  assert.ok(goodputPerSecond('none') < 0.05 * CAPACITY);
});

test('Breakwater keeps goodput near capacity under the overload where no control collapses', () => {
  const g = goodputPerSecond('breakwater');
  assert.ok(g > 0.9 * CAPACITY, `Breakwater goodput ${g}/s`);
});

test('DAGOR sheds at the entry by business priority and keeps goodput near capacity at 2x overload', () => {
  // gateway → logic → storage (8 workers × 10 ms: 800/s); gold (weight 2) offers 600/s,
  // bronze 1000/s. The level propagated up from storage makes the entry shed bronze.
  const s = scenario(
    [
      service('gateway', { workers: 64 }),
      service('logic', { workers: 32 }),
      service('storage', { workers: 8 }),
    ],
    call('gateway', constant(0.0005), {
      steps: [[call('logic', exp(0.001), { steps: [[call('storage', exp(0.01))]] })]],
    }),
    [
      tenant('gold', 600, 'get', { weight: 2, slo: { latency: 0.2, percentile: 99 } }),
      tenant('bronze', 1000, 'get', { weight: 1, slo: { latency: 0.2, percentile: 99 } }),
    ],
    { duration: 60, warmup: 20 },
  );
  const goodput = (r: ReturnType<typeof run>) =>
    (r.tenants.gold!.goodput + r.tenants.bronze!.goodput) / r.simulatedSeconds;
  assert.ok(goodput(run(s, 'none')) < 0.05 * 800);
  const r = run(s, 'dagor');
  assert.ok(goodput(r) >= 0.88 * 800, `DAGOR goodput ${goodput(r)}/s of 800/s`);
  // Business priority: gold keeps (nearly) all it offers; bronze takes the cut.
  const gold = r.tenants.gold!.goodput / r.simulatedSeconds;
  assert.ok(gold >= 0.97 * 600, `gold goodput ${gold}/s of 600/s offered`);
  // Collaborative admission: turned away at the entry, none shed after using work.
  for (const t of [r.tenants.gold!, r.tenants.bronze!]) {
    const { shed, concurrency } = t.rejectedByReason;
    assert.equal(shed + concurrency, 0);
  }
});

test('AIMD converges two equally greedy tenants to equal shares, near capacity at steady overload', () => {
  const s = scenario(
    [service('api', { workers: 4 })],
    call('api', exp(0.01)),
    ['a', 'b'].map((name) => tenant(name, 400, 'get', { slo: { latency: 0.5, percentile: 99 } })),
    // Measured after the start-up backlog has drained and the sawtooth has settled.
    { duration: 60, warmup: 30 },
  );
  const r = run(s, 'aimd');
  const a = r.tenants.a!.throughput;
  const b = r.tenants.b!.throughput;
  assert.ok(Math.abs(a - b) / (a + b) < 0.05, `throughputs ${a} and ${b}`);
  // The sawtooth between β = 0.8 and 1 of the rate where the SLO breaks: about 88%.
  assert.ok(a + b >= 0.85 * 400 && a + b <= 400, `total ${a + b} of capacity 400`);
  // The top of each tooth overshoots the SLO briefly: goodput about 78% of capacity.
  const goodput = (r.tenants.a!.goodput + r.tenants.b!.goodput) / r.simulatedSeconds;
  assert.ok(goodput >= 0.74 * 400, `goodput ${goodput}/s of capacity 400`);
});

test('AIMD lets a tenant that arrives mid-run in at once when there is room', () => {
  // 4 workers × 10 ms: 400/s. 'late' offers 150/s from t = 20 s, next to 150/s of 'early'.
  const s = scenario(
    [service('api', { workers: 4 })],
    call('api', exp(0.01)),
    [
      tenant('early', 150, 'get', { slo: { latency: 0.2, percentile: 99 } }),
      tenant('late', 0, 'get', {
        slo: { latency: 0.2, percentile: 99 },
        arrivals: {
          process: 'schedule',
          interpolate: 'step',
          points: [
            { at: 0, rate: 0 },
            { at: 20, rate: 150 },
          ],
        },
      }),
    ],
    { duration: 40, warmup: 20 },
  );
  const late = run(s, 'aimd').tenants.late!;
  assert.ok(
    late.rejected < 0.02 * late.offered,
    `late: ${late.rejected} of ${late.offered} rejected`,
  );
});

for (const [policy, buffer] of [
  ['gradient2', 0.5],
  ['envoy-adaptive', 0.25],
] as const) {
  test(`${policy} keeps latency near minRTT × (1 + buffer) at 2x overload`, () => {
    // 32 workers × 10 ms: minRTT 10 ms, 3200/s; offered 6400/s.
    const s = scenario(
      [service('api', { workers: 32 })],
      call('api', constant(0.01)),
      [tenant('t', 6400, 'get')],
      { duration: 20, warmup: 2 },
    );
    const target = 0.01 * (1 + buffer);
    const none = run(s, 'none').tenants.t!.latency.mean;
    const limited = run(s, policy).tenants.t!;
    assert.ok(none > 100 * target, `no control mean latency ${none}`);
    assert.ok(
      limited.latency.mean < 1.6 * target,
      `${policy} mean latency ${limited.latency.mean}`,
    );
    assert.ok(limited.throughput > 0.95 * 3200, `${policy} throughput ${limited.throughput}`);
  });
}

test('Retro BFAIR gives two greedy tenants equal shares of the bottleneck', () => {
  const s = scenario(
    [service('api', { workers: 4 })],
    call('api', exp(0.01)),
    [tenant('big', 900, 'get'), tenant('small', 300, 'get')],
    { duration: 30, warmup: 2 },
  );
  const none = run(s, 'none').tenants;
  const r = run(s, 'retro-bfair').tenants;
  const share = (t: typeof r) => t.small!.throughput / (t.small!.throughput + t.big!.throughput);
  assert.ok(share(none) < 0.3, `no control: small share ${share(none)}`);
  assert.ok(share(r) > 0.4, `BFAIR: small share ${share(r)}`);
});

test('Aequitas keeps most completions within the SLO at 2x overload, and the high class nearly all', () => {
  const single = scenario(
    [service('api', { workers: 4 })],
    call('api', exp(0.01)),
    [tenant('t', 800, 'get', { slo: { latency: 0.1, percentile: 99 } })],
    { duration: 40, warmup: 2 },
  );
  const inSlo = (t: { goodput: number; completed: number }) => t.goodput / t.completed;
  assert.ok(inSlo(run(single, 'none').tenants.t!) < 0.1);
  const one = run(single, 'aequitas').tenants.t!;
  assert.ok(inSlo(one) > 0.85, `Aequitas in-SLO fraction ${inSlo(one)}`);
  // Two classes on a weighted-fair service (Aequitas' QoS queues): high (weight 3, 50 ms
  // at p99) and low (weight 1, 200 ms at p95), 400/s each against 400/s of capacity.
  const classes = scenario(
    [service('api', { workers: 4, scheduler: 'wfq' })],
    call('api', exp(0.01)),
    [
      tenant('high', 400, 'get', { weight: 3, slo: { latency: 0.05, percentile: 99 } }),
      tenant('low', 400, 'get', { weight: 1, slo: { latency: 0.2, percentile: 95 } }),
    ],
    { duration: 40, warmup: 5 },
  );
  assert.ok(inSlo(run(classes, 'none').tenants.high!) < 0.1);
  const r = run(classes, 'aequitas');
  const high = r.tenants.high!;
  assert.ok(inSlo(high) > 0.95, `high class in-SLO fraction ${inSlo(high)}`);
  // Not by starving it: the high class keeps most of its weighted share (300/s).
  const goodput = high.goodput / r.simulatedSeconds;
  assert.ok(goodput > 0.75 * 300, `high class goodput ${goodput}/s`);
});
