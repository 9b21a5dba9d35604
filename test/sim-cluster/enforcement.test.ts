/**
 * Enforcement points: each knob of a Decision does what it says, measured from the
 * simulator's own accounting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Decision } from '../../sim-cluster/enforcement.js';
import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import { compileModel } from '../../sim-cluster/model.js';
import type { Scenario } from '../../sim-cluster/scenario/types.js';
import { Simulation } from '../../sim-cluster/simulation.js';
import type { Signals } from '../../sim-cluster/signals.js';
import { summarize } from '../../sim-cluster/summary.js';
import { call, scenario, service, tenant } from './scenarios-inline.js';
import { assertClose } from './assert-close.js';

/** Runs `s` with `decision` applied at t = 0 and re-applied every window. */
function runWith(s: Scenario, decision: Omit<Decision, 'epoch' | 'ttlSeconds'>) {
  const full = { epoch: 1, ttlSeconds: 5, ...decision };
  const windows: Signals[] = [];
  const sim = new Simulation(compileModel(s), {
    onWindow: (sim, signals) => {
      windows.push(signals);
      sim.applyDecision(full);
    },
  });
  sim.applyDecision(full);
  sim.run();
  return { summary: summarize(sim, 'test', 0), windows, sim };
}

const overloaded = (fields: Parameters<typeof service>[1] = {}) =>
  scenario(
    [service('api', { workers: 4, ...fields })],
    call('api', { dist: 'exponential', mean: 0.01 }),
    [tenant('a', 300, 'get'), tenant('b', 300, 'get')],
    { duration: 400, warmup: 20 },
  );

test('an ingress token bucket admits its rate and rejects the rest as rate-limit', () => {
  const r = runWith(overloaded(), {
    tenants: { a: { rateLimit: { ratePerSecond: 120, burst: 10 } } },
  }).summary;
  assertClose(r.tenants.a!.admitted / 400, 120, 0.01, 'admitted rate');
  assert.equal(
    r.tenants.a!.rejectedByReason['rate-limit'],
    r.tenants.a!.offered - r.tenants.a!.admitted,
  );
  assert.equal(r.tenants.b!.rejectedByReason['rate-limit'], 0, 'the other tenant is not limited');
});

test('a token bucket lets a burst through at once, then holds to its rate', () => {
  const s = scenario(
    [service('api', { workers: 100 })],
    call('api', { dist: 'constant', value: 0.001 }),
    [{ ...tenant('a', 1, 'get'), arrivals: { process: 'deterministic', rate: 1000 } }],
    { duration: 1, warmup: 0, controlInterval: 1 },
  );
  // 1000 arrivals in 1 s against rate 100 and burst 50: 50 at once, then 100 per second.
  const r = runWith(s, {
    tenants: { a: { rateLimit: { ratePerSecond: 100, burst: 50 } } },
  }).summary;
  assert.ok(Math.abs(r.tenants.a!.admitted - 150) <= 1, `admitted ${r.tenants.a!.admitted}`);
});

test('admitProbability sheds the expected fraction of a tenant’s hops', () => {
  const r = runWith(overloaded({ workers: 100 }), {
    tenants: { a: { admitProbability: 0.25 } },
  }).summary;
  const a = r.tenants.a!;
  assertClose(a.completed / a.offered, 0.25, 0.03, 'admitted fraction');
  assert.equal(a.rejectedByReason.shed, a.rejected);
});

test('a tenant concurrency limit caps the tenant’s hops in service and queue', () => {
  const { windows } = runWith(overloaded(), {
    services: { api: { tenants: { a: { concurrencyLimit: 3 } } } },
  });
  for (const w of windows) assert.ok(w.services[0]!.tenants[0]!.outstanding <= 3);
  assert.ok(windows.at(-1)!.tenants[0]!.rejectedByReason.concurrency > 0);
});

test('a service concurrency limit turns the service into an Erlang loss system', () => {
  // Limit 2 of 4 workers, Poisson 600/s, 10 ms work: M/M/2/2 with a = 6 erlangs.
  // Erlang B: B(2, 6) = (6²/2) / (1 + 6 + 6²/2) = 0.72; carried load a(1 − B) = 1.68 erlangs.
  const r = runWith(overloaded(), { services: { api: { concurrencyLimit: 2 } } }).summary;
  assertClose(r.services.api!.utilization, 1.68 / 4, 0.02, 'utilisation');
  const offered = r.tenants.a!.offered + r.tenants.b!.offered;
  const rejected =
    r.tenants.a!.rejectedByReason.concurrency + r.tenants.b!.rejectedByReason.concurrency;
  assertClose(rejected / offered, 0.72, 0.02, 'blocking probability');
});

test('a queue-delay threshold bounds every completed request’s queueing', () => {
  // Constant 10 ms work and a 50 ms threshold: no completed request can take over 60 ms.
  const s = scenario(
    [service('api', { workers: 1 })],
    call('api', { dist: 'constant', value: 0.01 }),
    [tenant('a', 150, 'get')],
    { duration: 200, warmup: 10 },
  );
  const r = runWith(s, { services: { api: { queueDelayThreshold: 0.05 } } }).summary;
  assert.ok(r.tenants.a!.latency.max <= 0.06 + 1e-9, `max latency ${r.tenants.a!.latency.max}`);
  assert.ok(r.tenants.a!.rejectedByReason['queue-delay'] > 0);
  assertClose(r.services.api!.throughput, 100, 0.02, 'the worker stays busy');
});

test('weights in a decision steer a weighted fair queue', () => {
  // Both tenants offer 600/s to a 400/s service: shares 4:1 give 320/s and 80/s.
  const s = scenario(
    [service('api', { workers: 4, scheduler: 'wfq', queueCapacity: 500 })],
    call('api', { dist: 'exponential', mean: 0.01 }),
    [tenant('a', 600, 'get'), tenant('b', 600, 'get')],
    { duration: 200, warmup: 20 },
  );
  const r = runWith(s, { tenants: { a: { weight: 4 }, b: { weight: 1 } } }).summary;
  assertClose(r.tenants.a!.throughput / r.tenants.b!.throughput, 4, 0.03, 'share');
});

test('a decision that expires returns every knob to its default', () => {
  const s = overloaded();
  const windows: Signals[] = [];
  const sim = new Simulation(compileModel(s), { onWindow: (_, w) => windows.push(w) });
  sim.applyDecision({
    epoch: 7,
    ttlSeconds: 3,
    tenants: { a: { rateLimit: { ratePerSecond: 10, burst: 1 } } },
  });
  sim.runUntil(10);
  assert.equal(windows[0]!.decisionEpoch, 7);
  assert.ok(windows[1]!.tenants[0]!.rejectedByReason['rate-limit'] > 0);
  assert.equal(windows[5]!.decisionEpoch, -1);
  assert.equal(windows[5]!.tenants[0]!.rejectedByReason['rate-limit'], 0);
});

test('a decision naming an unknown tenant or a bad value is rejected with its path', () => {
  const sim = new Simulation(compileModel(overloaded()));
  assert.throws(
    () => sim.applyDecision({ epoch: 1, ttlSeconds: 1, tenants: { nobody: { weight: 1 } } }),
    (e: unknown) =>
      e instanceof InvalidArgumentError &&
      /unknown tenant 'nobody' \(known: a, b\)/.test(e.message),
  );
  assert.throws(
    () => sim.applyDecision({ epoch: 1, ttlSeconds: 1, tenants: { a: { admitProbability: 1.5 } } }),
    /tenants\.a\.admitProbability must be in \[0, 1\], got 1\.5/,
  );
  const bad = (services: Decision['services']) => () =>
    sim.applyDecision({ epoch: 1, ttlSeconds: 1, services });
  assert.throws(
    bad({ api: { tenants: { b: { weight: 0 } } } }),
    /services\.api\.tenants\.b\.weight must be > 0, got 0/,
  );
  assert.throws(
    () => sim.applyDecision({ epoch: 1, ttlSeconds: 1, tenants: { b: { priority: NaN } } }),
    /tenants\.b\.priority must be a finite number, got NaN/,
  );
  assert.throws(
    bad({ api: { tenants: { a: { concurrencyLimit: -1 } } } }),
    /services\.api\.tenants\.a\.concurrencyLimit must be > 0, got -1/,
  );
  assert.throws(
    bad({ api: { tenants: { a: { queueDelayThreshold: 0 } } } }),
    /services\.api\.tenants\.a\.queueDelayThreshold must be > 0, got 0/,
  );
});
