/**
 * One behaviour of the cluster model per test, each with an expectation derived by hand
 * or from a closed form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileModel } from '../../sim-cluster/model.js';
import { simulate } from '../../sim-cluster/simulate.js';
import { Simulation } from '../../sim-cluster/simulation.js';
import type { LoadBalancerName } from '../../sim-cluster/scenario/types.js';
import { call, scenario, service, tenant } from './scenarios-inline.js';
import { assertClose } from './assert-close.js';

const exp = (mean: number) => ({ dist: 'exponential' as const, mean });
const constant = (value: number) => ({ dist: 'constant' as const, value });

test('parallel child calls take as long as the slowest child: E[max of two Exp(μ)] = 1.5/μ', () => {
  const s = scenario(
    [
      service('a', { workers: 1000, cores: 1000 }),
      service('b', { workers: 1000, cores: 1000 }),
      service('c', { workers: 1000, cores: 1000 }),
    ],
    call('a', constant(0), { steps: [[call('b', exp(0.01)), call('c', exp(0.01))]] }),
    [tenant('t', 20, 'get')],
    { duration: 20000 },
  );
  assertClose(simulate(s).tenants.t!.latency.mean, 0.015, 0.02, 'fan-out latency');
});

test('sequential child calls add up: E[Exp(μ) + Exp(μ)] = 2/μ', () => {
  const s = scenario(
    [
      service('a', { workers: 1000, cores: 1000 }),
      service('b', { workers: 1000, cores: 1000 }),
      service('c', { workers: 1000, cores: 1000 }),
    ],
    call('a', constant(0), { steps: [[call('b', exp(0.01))], [call('c', exp(0.01))]] }),
    [tenant('t', 20, 'get')],
    { duration: 20000 },
  );
  assertClose(simulate(s).tenants.t!.latency.mean, 0.02, 0.02, 'sequential latency');
});

test('a blocking service holds its worker during downstream calls, so it queues like an M/D/1 of the whole call', () => {
  const make = (blocking: boolean) =>
    scenario(
      [service('front', { workers: 1, blocking }), service('back', { workers: 1000, cores: 1000 })],
      call('front', constant(0), { steps: [[call('back', constant(0.01))]] }),
      [tenant('t', 50, 'get')],
      { duration: 20000 },
    );
  // Blocking: the front worker is busy 10 ms per request: M/D/1, Wq = λs²/(2(1-ρ)) = 5 ms.
  assertClose(simulate(make(true)).tenants.t!.latency.mean, 0.015, 0.03, 'blocking sojourn');
  // Non-blocking: the worker is free again at once; every request takes exactly 10 ms.
  assertClose(simulate(make(false)).tenants.t!.latency.mean, 0.01, 1e-9, 'non-blocking sojourn');
});

test('post-work runs after the children and adds to the latency', () => {
  const s = scenario(
    [service('a', { workers: 100, blocking: false }), service('b', { workers: 100 })],
    call('a', constant(0.001), {
      postWork: constant(0.002),
      steps: [[call('b', constant(0.003))]],
    }),
    [tenant('t', 5, 'get')],
    { duration: 2000 },
  );
  const r = simulate(s);
  assertClose(r.tenants.t!.latency.mean, 0.006, 1e-9, 'latency = work + child + postWork');
  assertClose(r.services.a!.utilization, (5 * 0.003) / 100, 0.03, 'a computes 3 ms per request');
});

test('network latency is paid on every one-way hop, including the client’s', () => {
  const s = scenario(
    [service('a', { workers: 100 }), service('b', { workers: 100 })],
    call('a', constant(0.001), { steps: [[call('b', constant(0.002))]] }),
    [tenant('t', 5, 'get')],
    { duration: 1000, network: { latency: constant(0.0005) } },
  );
  // client→a, a→b, b→a, a→client: four one-way hops of 0.5 ms.
  assertClose(simulate(s).tenants.t!.latency.mean, 0.003 + 4 * 0.0005, 1e-9, 'latency');
});

test('random load balancing over 4 single-worker replicas gives independent M/M/1 queues', () => {
  const r = simulate(lbScenario('random'));
  // Each replica sees Poisson(80/s) with μ = 100/s: W = 1/(μ − λ) = 50 ms.
  assertClose(r.tenants.t!.latency.mean, 0.05, 0.03, 'mean sojourn');
});

for (const lb of ['round-robin', 'least-outstanding', 'power-of-two'] as const) {
  test(`${lb} load balancing beats random routing at 80% load`, () => {
    const random = simulate(lbScenario('random')).tenants.t!.latency.mean;
    const better = simulate(lbScenario(lb)).tenants.t!.latency.mean;
    assert.ok(better < 0.8 * random, `${lb}: ${better} s vs random ${random} s`);
  });
}

function lbScenario(loadBalancer: LoadBalancerName) {
  return scenario(
    [service('api', { replicas: 4, workers: 1, loadBalancer })],
    call('api', exp(0.01)),
    [tenant('t', 320, 'get')],
    { duration: 5000, seed: 21 },
  );
}

test('round-robin spreads work evenly across replicas', () => {
  const sim = new Simulation(compileModel(lbScenario('round-robin')));
  sim.run();
  const busy = sim.serviceReplicas[0]!.map((r) => r.busyCoreSeconds);
  const mean = busy.reduce((a, b) => a + b, 0) / busy.length;
  for (const b of busy) assertClose(b, mean, 0.02, 'replica busy time');
});

test('strict priority matches Cobham’s non-preemptive M/G/1 priority formula', () => {
  const lambdaHigh = 30;
  const lambdaLow = 40;
  const mean = 0.01;
  const s = scenario(
    [service('api', { scheduler: 'priority' })],
    call('api', exp(mean)),
    [tenant('high', lambdaHigh, 'get'), tenant('low', lambdaLow, 'get')],
    { duration: 40000, seed: 8 },
  );
  const sim = new Simulation(compileModel(s));
  sim.applyDecision({ epoch: 1, ttlSeconds: Infinity, tenants: { high: { priority: 1 } } });
  sim.run();
  const r = (i: number) => sim.tenantStats[i]!.latency.mean;
  const rho1 = lambdaHigh * mean;
  const rho = (lambdaHigh + lambdaLow) * mean;
  const residual = ((lambdaHigh + lambdaLow) * 2 * mean * mean) / 2; // Σ λ E[S²] / 2
  assertClose(r(0), residual / (1 - rho1) + mean, 0.03, 'high-priority sojourn');
  assertClose(r(1), residual / ((1 - rho1) * (1 - rho)) + mean, 0.03, 'low-priority sojourn');
});

for (const scheduler of ['wfq', 'drr'] as const) {
  test(`${scheduler} shares a saturated service 3:1 by tenant weight within 2%`, () => {
    const s = scenario(
      [service('store', { replicas: 2, workers: 4, scheduler, queueCapacity: 2000 })],
      call('store', { dist: 'lognormal', mean: 0.008, cv: 1.5 }),
      [tenant('gold', 900, 'get', { weight: 3 }), tenant('bronze', 900, 'get', { weight: 1 })],
      { duration: 300, warmup: 60, seed: 3 },
    );
    const r = simulate(s);
    const gold = r.tenants.gold!.throughput;
    const bronze = r.tenants.bronze!.throughput;
    assertClose(gold / bronze, 3, 0.02, 'throughput ratio');
    assertClose(gold + bronze, 1000, 0.03, 'the service runs at capacity');
  });
}

test('FIFO shares a saturated service in proportion to offered load, not weight', () => {
  const s = scenario(
    [service('store', { replicas: 2, workers: 4, queueCapacity: 2000 })],
    call('store', { dist: 'lognormal', mean: 0.008, cv: 1.5 }),
    [tenant('gold', 900, 'get', { weight: 3 }), tenant('bronze', 900, 'get', { weight: 1 })],
    { duration: 300, warmup: 60, seed: 3 },
  );
  const r = simulate(s);
  assertClose(
    r.tenants.gold!.throughput / r.tenants.bronze!.throughput,
    1,
    0.03,
    'throughput ratio',
  );
});

test('a bounded queue loses requests as the M/M/1/K formula predicts', () => {
  const K = 5; // one in service plus four waiting
  const rho = 0.9;
  const s = scenario(
    [service('api', { queueCapacity: K - 1 })],
    call('api', exp(0.01)),
    [tenant('t', 90, 'get')],
    {
      duration: 20000,
      seed: 13,
    },
  );
  const r = simulate(s).tenants.t!;
  const loss = ((1 - rho) * rho ** K) / (1 - rho ** (K + 1));
  assertClose(r.rejected / r.offered, loss, 0.03, 'loss probability');
  assert.equal(r.rejectedByReason['queue-full'], r.rejected);
});

test('a call whose timeout is shorter than its work fails after every retry, tripling the work done', () => {
  const s = scenario(
    [service('api', { workers: 100 })],
    call('api', constant(0.02), { timeout: 0.01, retries: 2 }),
    [tenant('t', 10, 'get')],
    { duration: 1000 },
  );
  const r = simulate(s);
  const t = r.tenants.t!;
  assert.equal(t.completed, 0);
  assert.ok(t.failed >= t.offered - 1, `failed ${t.failed} of ${t.offered}`);
  assert.equal(t.timedOut, t.failed);
  // Every request ran three times: the abandoned attempts kept the service busy.
  assertClose(r.services.api!.throughput, 3 * 10, 0.03, 'hops per second');
});

test('a retried call succeeds when a later attempt is fast enough', () => {
  // Work is 1 ms or 50 ms with equal odds; the timeout is 10 ms with 3 retries,
  // so a request fails only if all four attempts are slow: probability 1/16.
  const s = scenario(
    [service('api', { workers: 100 })],
    call(
      'api',
      {
        dist: 'mixture',
        components: [
          { weight: 1, of: constant(0.001) },
          { weight: 1, of: constant(0.05) },
        ],
      },
      { timeout: 0.01, retries: 3 },
    ),
    [tenant('t', 20, 'get')],
    { duration: 5000, seed: 4 },
  );
  const t = simulate(s).tenants.t!;
  assertClose(t.failed / t.offered, 1 / 16, 0.06, 'failure probability');
});
