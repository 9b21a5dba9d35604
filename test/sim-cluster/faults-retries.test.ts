/**
 * Faults on a schedule and the retry machinery, each checked against a derived figure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileModel } from '../../sim-cluster/model.js';
import { backoffSeconds, RetryBudgets, type CallPolicy } from '../../sim-cluster/retry.js';
import { RngStream } from '../../sim-cluster/rng.js';
import type { FaultSpec, Scenario } from '../../sim-cluster/scenario/types.js';
import { Simulation } from '../../sim-cluster/simulation.js';
import type { Signals } from '../../sim-cluster/signals.js';
import { call, scenario, service, tenant } from './scenarios-inline.js';
import { assertClose } from './assert-close.js';

function windows(s: Scenario): Signals[] {
  const out: Signals[] = [];
  new Simulation(compileModel(s), { onWindow: (_, w) => out.push(w) }).run();
  return out;
}

/** Mean of a tenant's window mean latency over windows [from, to). */
function meanLatency(ws: Signals[], from: number, to: number): number {
  let sum = 0;
  let n = 0;
  for (const w of ws.slice(from, to)) {
    sum += w.tenants[0]!.latency.mean * w.tenants[0]!.completed;
    n += w.tenants[0]!.completed;
  }
  return sum / n;
}

const withFaults = (base: Scenario, faults: FaultSpec[]): Scenario => ({ ...base, faults });

/** 10 ms of constant work at 20/s on 100 workers: latency is the work, nothing queues. */
const unloaded = scenario(
  [service('api', { workers: 100 })],
  call('api', { dist: 'constant', value: 0.01 }),
  [tenant('t', 20, 'get')],
  { duration: 300, warmup: 0, controlInterval: 10 },
);

test('a slowdown multiplies work only while it lasts', () => {
  const ws = windows(
    withFaults(unloaded, [{ kind: 'slowdown', service: 'api', at: 100, duration: 100, factor: 3 }]),
  );
  assertClose(meanLatency(ws, 0, 10), 0.01, 1e-9, 'before');
  assertClose(meanLatency(ws, 11, 19), 0.03, 1e-9, 'during');
  assertClose(meanLatency(ws, 21, 30), 0.01, 1e-9, 'after');
});

test('added network latency is paid on both legs of every hop while it lasts', () => {
  const ws = windows(
    withFaults(unloaded, [{ kind: 'latency', service: 'api', at: 100, duration: 100, add: 0.005 }]),
  );
  assertClose(meanLatency(ws, 11, 19), 0.02, 1e-9, 'during');
  assertClose(meanLatency(ws, 21, 30), 0.01, 1e-9, 'after');
});

test('a noisy neighbour taking half the cores doubles a processor-sharing server’s load', () => {
  // 2 cores, many workers: M/G/1-PS at speed 2 (ρ = 0.3) before, speed 1 (ρ = 0.6) during.
  const base = scenario(
    [service('api', { workers: 1000, cores: 2 })],
    call('api', { dist: 'exponential', mean: 0.01 }),
    [tenant('t', 60, 'get')],
    { duration: 6000, warmup: 0, controlInterval: 100 },
  );
  const ws = windows(
    withFaults(base, [
      { kind: 'noisy-neighbour', service: 'api', at: 2000, duration: 2000, cores: 1 },
    ]),
  );
  // During the fault one core is left: M/G/1-PS with ρ = 0.6, E[T] = E[S] / (1 − ρ).
  assertClose(meanLatency(ws, 21, 40), 0.01 / (1 - 0.6), 0.05, 'during the fault');
  assert.ok(meanLatency(ws, 0, 19) < 0.0115, 'before: barely any sharing on two cores');
});

test('a crashed replica fails its hops, the balancer avoids it, and it restarts', () => {
  const base = scenario(
    [service('api', { replicas: 2, workers: 50 })],
    call('api', { dist: 'constant', value: 0.05 }),
    [tenant('t', 200, 'get')],
    { duration: 30, warmup: 0, controlInterval: 1 },
  );
  const ws = windows(
    withFaults(base, [{ kind: 'crash', service: 'api', replica: 0, at: 10, duration: 10 }]),
  );
  const w = (i: number) => ws[i]!;
  // At t = 10 the hops running on replica 0 (about 200/s × 0.05 s / 2 = 5) fail; the crash
  // precedes the window boundary at the same instant, so they count in window 9.
  const failed = w(9).tenants[0]!.failed;
  assert.ok(failed > 0 && failed <= 15, `failed ${failed}`);
  for (let i = 10; i < 19; i++) {
    assert.equal(w(i).services[0]!.replicasUp, 1);
    assert.equal(w(i).tenants[0]!.failed, 0, 'no request is routed to the dead replica');
  }
  assert.equal(w(25).services[0]!.replicasUp, 2);
});

test('backoff without jitter doubles up to its cap; full and equal jitter stay within their ranges', () => {
  const rng = new RngStream(1, 'test');
  const none = { base: 0.01, multiplier: 2, max: 0.05, jitter: 'none' as const };
  assert.deepEqual(
    [1, 2, 3, 4].map((k) => backoffSeconds(none, k, rng)),
    [0.01, 0.02, 0.04, 0.05],
  );
  for (let k = 1; k < 200; k++) {
    const full = backoffSeconds({ ...none, jitter: 'full' }, 3, rng);
    const equal = backoffSeconds({ ...none, jitter: 'equal' }, 3, rng);
    assert.ok(full >= 0 && full <= 0.04);
    assert.ok(equal >= 0.02 && equal <= 0.04);
  }
});

test('a retry budget allows ratio × first attempts plus the minimum, per ten-second horizon', () => {
  const policy: CallPolicy = {
    index: 0,
    timeoutSeconds: 1,
    retries: 5,
    backoff: null,
    budget: { ratio: 0.2, minPerSecond: 1 },
  };
  const budgets = new RetryBudgets([policy]);
  for (let i = 0; i < 100; i++) budgets.deposit(policy, 0.5);
  // 0.2 × 100 + 1 × 10 = 30 retries allowed within the horizon.
  let allowed = 0;
  for (let i = 0; i < 50; i++) if (budgets.tryRetry(policy, 0.6)) allowed++;
  assert.equal(allowed, 30);
  // Ten seconds later the first attempts and retries have left the horizon: only the minimum.
  allowed = 0;
  for (let i = 0; i < 50; i++) if (budgets.tryRetry(policy, 20.5)) allowed++;
  assert.equal(allowed, 10);
});

test('client retries multiply the load a timed-out service sees; a retry budget caps it', () => {
  // Work 20 ms, timeout 10 ms: every attempt times out. 3 retries → 4 attempts per request.
  const make = (budget: boolean): Scenario =>
    scenario(
      [service('api', { workers: 1000 })],
      call('api', { dist: 'constant', value: 0.02 }),
      [
        {
          ...tenant('t', 50, 'get'),
          client: {
            timeout: 0.01,
            retries: 3,
            ...(budget ? { retryBudget: { ratio: 0.5, minPerSecond: 0 } } : {}),
          },
        },
      ],
      { duration: 200, warmup: 20, controlInterval: 10 },
    );
  const hops = (s: Scenario) => {
    const ws = windows(s).slice(4);
    return ws.reduce((sum, w) => sum + w.services[0]!.tenants[0]!.hops, 0) / (ws.length * 10);
  };
  assertClose(hops(make(false)), 200, 0.03, 'attempts per second without a budget');
  // Budget: retries ≤ 0.5 × first attempts: 1.5 attempts per request.
  assertClose(hops(make(true)), 75, 0.03, 'attempts per second with a budget');
});

test('a retry storm outlives its trigger: goodput stays collapsed after a short slowdown', () => {
  // A blocking service at 70% load; clients time out at 100 ms and retry 3 times at once.
  // A 10 s slowdown (×4) pushes latency past the timeout; the retries then hold the
  // service above capacity long after the slowdown ends (a metastable failure).
  const base = scenario(
    [service('api', { workers: 8, cores: 8 })],
    call('api', { dist: 'exponential', mean: 0.02 }),
    [
      {
        ...tenant('t', 280, 'get'),
        slo: { latency: 0.1, percentile: 99 },
        client: { timeout: 0.1, retries: 3 },
      },
    ],
    { duration: 300, warmup: 0, controlInterval: 10 },
  );
  const ws = windows(
    withFaults(base, [{ kind: 'slowdown', service: 'api', at: 100, duration: 10, factor: 4 }]),
  );
  const goodput = (from: number, to: number) =>
    ws.slice(from, to).reduce((s, w) => s + w.tenants[0]!.goodput, 0) / ((to - from) * 10);
  const before = goodput(2, 10);
  assert.ok(before > 0.95 * 280, `healthy before the trigger: ${before}/s`);
  const after = goodput(15, 30);
  assert.ok(
    after < 0.1 * before,
    `collapsed long after the slowdown ended: ${after}/s vs ${before}/s`,
  );
  const ok = windows(base);
  const control = ok.slice(15, 30).reduce((s, w) => s + w.tenants[0]!.goodput, 0) / 150;
  assert.ok(
    control > 0.95 * 280,
    `without the trigger the same system stays healthy: ${control}/s`,
  );
});
