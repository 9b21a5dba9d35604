/**
 * Per-window telemetry (Signals) agrees with the run's own accounting: windows add up to
 * the run, and work is attributed to tenants through the whole call tree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileModel } from '../../sim-cluster/model.js';
import { Simulation } from '../../sim-cluster/simulation.js';
import type { Signals } from '../../sim-cluster/signals.js';
import { summarize } from '../../sim-cluster/summary.js';
import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import { call, scenario, service, tenant } from './scenarios-inline.js';

const fanout = scenario(
  [
    service('front', { workers: 8, cores: 2 }),
    service('a', { workers: 4, cores: 4 }),
    service('b', { workers: 2, cores: 1, queueCapacity: 2 }),
  ],
  call(
    'front',
    { dist: 'exponential', mean: 0.001 },
    {
      steps: [
        [
          call('a', { dist: 'exponential', mean: 0.004 }),
          call('b', { dist: 'exponential', mean: 0.003 }),
        ],
      ],
    },
  ),
  [tenant('x', 250, 'get'), tenant('y', 150, 'get', { weight: 2 })],
  { duration: 200, warmup: 0, controlInterval: 0.5 },
);

function run() {
  const windows: Signals[] = [];
  const sim = new Simulation(compileModel(fanout), { onWindow: (_, w) => windows.push(w) });
  sim.run();
  return { windows, summary: summarize(sim, 'none', 0), sim };
}

test('windows tile the run and their counts add up to the run’s totals', () => {
  const { windows, summary } = run();
  assert.equal(windows.length, 400);
  windows.forEach((w, i) => {
    assert.equal(w.window, i);
    assert.equal(w.endSeconds - w.startSeconds, 0.5);
  });
  for (const [t, name] of ['x', 'y'].entries()) {
    const total = (key: 'offered' | 'completed' | 'rejected' | 'goodput') =>
      windows.reduce((s, w) => s + w.tenants[t]![key], 0);
    const r = summary.tenants[name]!;
    assert.equal(total('offered'), r.offered);
    assert.equal(total('completed'), r.completed);
    assert.equal(total('rejected'), r.rejected);
    assert.equal(total('goodput'), r.goodput);
  }
});

test('every hop of a request is attributed to its tenant at every service', () => {
  const { windows, summary } = run();
  const sum = (s: number, t: number, key: 'hops' | 'rejected') =>
    windows.reduce((acc, w) => acc + w.services[s]!.tenants[t]![key], 0);
  for (const [t, name] of ['x', 'y'].entries()) {
    const r = summary.tenants[name]!;
    // The front hop succeeds exactly when the request does (no network: same instant).
    assert.equal(sum(0, t, 'hops'), r.completed);
    // Service b's full queue is the only way to fail: its rejections are the tenant's.
    assert.equal(sum(2, t, 'rejected'), r.rejected);
    assert.equal(r.rejectedByReason['queue-full'], r.rejected);
    assert.ok(r.rejected > 0, 'the bounded queue at b does turn requests away');
  }
});

test('CPU seconds attributed to tenants add up to the cores’ busy time', () => {
  const { windows, sim } = run();
  sim.model.services.forEach((spec, s) => {
    const attributed = windows.reduce(
      (acc, w) => acc + w.services[s]!.tenants.reduce((a, t) => a + t.cpuSeconds, 0),
      0,
    );
    const busy = windows.reduce(
      (acc, w) => acc + w.services[s]!.utilization * spec.cores * spec.replicas * 0.5,
      0,
    );
    // Work is attributed when a burst starts, busy time as it runs: they differ by the bursts
    // running at the end, a few milliseconds of CPU.
    assert.ok(
      Math.abs(attributed - busy) < 0.05,
      `${spec.name}: ${attributed} CPU s vs ${busy} busy core-s`,
    );
  });
});

test('the CPU share of each tenant follows its request rate', () => {
  const { windows } = run();
  const cpu = (t: number) =>
    windows.reduce((acc, w) => acc + w.services[1]!.tenants[t]!.cpuSeconds, 0);
  // Same call tree, rates 250 vs 150: CPU at service a splits 5:3 (within sampling error).
  const ratio = cpu(0) / cpu(1);
  assert.ok(Math.abs(ratio - 5 / 3) / (5 / 3) < 0.05, `ratio ${ratio}`);
});

test('without runLatency a run has the same windows and counters, and summarize refuses it', () => {
  const full = run();
  const windows: Signals[] = [];
  const light = new Simulation(compileModel(fanout), {
    onWindow: (_, w) => windows.push(w),
    runLatency: false,
  });
  light.run();
  assert.deepEqual(windows, full.windows);
  light.tenantStats.forEach((stats, t) => {
    const counters = { ...stats, latency: null };
    assert.deepEqual(counters, { ...full.sim.tenantStats[t]!, latency: null });
    assert.ok(stats.completed > 0);
    assert.equal(stats.latency.count, 0);
  });
  assert.throws(() => summarize(light, 'none', 0), InvalidArgumentError);
});
