/**
 * Arrival processes: counts and rates derived from each process's definition, and the
 * interactive response-time law for closed loops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileModel } from '../../sim-cluster/model.js';
import type { ArrivalSpec } from '../../sim-cluster/scenario/types.js';
import { simulate } from '../../sim-cluster/simulate.js';
import { Simulation } from '../../sim-cluster/simulation.js';
import type { Signals } from '../../sim-cluster/signals.js';
import { call, scenario, service, tenant } from './scenarios-inline.js';
import { assertClose } from './assert-close.js';

/** Offered requests per control window for one tenant with the given arrivals. */
function offeredPerWindow(arrivals: ArrivalSpec, seconds: number, interval = 1): number[] {
  const s = scenario(
    [service('api', { workers: 1000, cores: 1000 })],
    call('api', { dist: 'constant', value: 0.001 }),
    [{ ...tenant('t', 1, 'get'), arrivals }],
    { duration: seconds, warmup: 0, controlInterval: interval },
  );
  const counts: number[] = [];
  const sim = new Simulation(compileModel(s), {
    onWindow: (_, sig: Signals) => counts.push(sig.tenants[0]!.offered),
  });
  sim.run();
  return counts;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

test('deterministic arrivals come exactly every 1/rate seconds', () => {
  const counts = offeredPerWindow({ process: 'deterministic', rate: 50 }, 100);
  // Arrivals at k/50 for k = 1..4999 fall before t = 100 (the 5000th is at t = 100 exactly).
  assert.equal(sum(counts), 4999);
  assert.ok(
    counts.slice(1, -1).every((c) => c === 50),
    'every inner window holds 50 arrivals',
  );
});

test('an on/off MMPP source averages its states’ rates weighted by their mean durations', () => {
  const counts = offeredPerWindow(
    {
      process: 'mmpp',
      states: [
        { rate: 400, meanDuration: 2 },
        { rate: 0, meanDuration: 6 },
      ],
    },
    20000,
    10,
  );
  // Long-run rate: (400 × 2 + 0 × 6) / 8 = 100 per second.
  assertClose(sum(counts) / 20000, 100, 0.03, 'mean rate');
  // Burstiness: the index of dispersion of 10 s counts far exceeds Poisson's 1.
  const mean = sum(counts) / counts.length;
  const variance = sum(counts.map((c) => (c - mean) ** 2)) / counts.length;
  assert.ok(variance / mean > 20, `dispersion ${variance / mean}`);
});

test('a diurnal process follows its sinusoid: peak and trough windows match the rate integral', () => {
  const period = 100;
  const counts = offeredPerWindow(
    { process: 'diurnal', mean: 200, amplitude: 0.5, period, phase: 0 },
    100 * period,
    period / 4,
  );
  // Quarter-period integrals of 200 (1 + 0.5 sin(2πt/P)): 25·200 ± 0.5·200·P/(2π).
  const swing = (0.5 * 200 * period) / (2 * Math.PI);
  const quarter = (q: number) => sum(counts.filter((_, i) => i % 4 === q));
  const cycles = counts.length / 4;
  assertClose(quarter(0) / cycles, 25 * 200 + swing, 0.02, 'first quarter (rising, high)');
  assertClose(quarter(2) / cycles, 25 * 200 - swing, 0.02, 'third quarter (low)');
});

test('a step schedule holds each rate until the next point', () => {
  const counts = offeredPerWindow(
    {
      process: 'schedule',
      interpolate: 'step',
      points: [
        { at: 0, rate: 100 },
        { at: 500, rate: 400 },
        { at: 1000, rate: 0 },
      ],
    },
    1500,
    500,
  );
  assertClose(counts[0]!, 100 * 500, 0.02, 'first step');
  assertClose(counts[1]!, 400 * 500, 0.02, 'second step');
  assert.equal(counts[2], 0, 'silent after the last point');
});

test('a linear schedule ramps: the count is the area under the ramp', () => {
  const counts = offeredPerWindow(
    {
      process: 'schedule',
      interpolate: 'linear',
      points: [
        { at: 0, rate: 0 },
        { at: 1000, rate: 600 },
      ],
    },
    1000,
    500,
  );
  // ∫ 0.6 t dt over [0, 500] = 75,000 and over [500, 1000] = 225,000.
  assertClose(counts[0]!, 75000, 0.02, 'first half');
  assertClose(counts[1]!, 225000, 0.02, 'second half');
});

test('a trace replays its rows at their timestamps, with their own APIs', () => {
  const s = scenario(
    [service('api', { workers: 10 }), service('other', { workers: 10 })],
    call('api', { dist: 'constant', value: 0.01 }),
    [
      {
        ...tenant('t', 1, 'get'),
        requests: [{ api: 'get', weight: 1 }],
        arrivals: {
          process: 'trace',
          file: 'inline.csv',
          timeScale: 1,
          rows: [
            { at: 0.5, api: 'get' },
            { at: 1.5, api: 'put' },
            { at: 1.5, api: 'get' },
            { at: 7.25, api: 'put' },
          ],
        },
      },
    ],
    { duration: 10, warmup: 0 },
  );
  const withPut = {
    ...s,
    apis: [...s.apis, { name: 'put', call: call('other', { dist: 'constant', value: 0.02 }) }],
  };
  const r = simulate(withPut);
  assert.equal(r.tenants.t!.offered, 4);
  assert.equal(r.tenants.t!.completed, 4);
  assert.equal(r.services.api!.throughput * 10, 2);
  assert.equal(r.services.other!.throughput * 10, 2);
  assert.ok(Math.abs(r.tenants.t!.latency.max - 0.02) < 1e-9);
});

test('closed-loop clients obey the interactive response-time law X = N / (R + Z)', () => {
  const users = 20;
  const think = 0.1;
  const s = scenario(
    [service('api', { workers: 1 })],
    call('api', { dist: 'exponential', mean: 0.004 }),
    [
      {
        ...tenant('t', 1, 'get'),
        arrivals: { process: 'closed', users, thinkTime: { dist: 'exponential', mean: think } },
      },
    ],
    { duration: 5000, warmup: 50 },
  );
  const r = simulate(s);
  const t = r.tenants.t!;
  // Throughput cannot exceed the bottleneck (250/s) or N / (S + Z) (~192/s).
  assert.ok(t.throughput <= Math.min(250, users / (0.004 + think)) * 1.01);
  assertClose(t.throughput, users / (t.latency.mean + think), 0.01, 'response-time law');
  assertClose(r.services.api!.utilization, t.throughput * 0.004, 0.02, 'utilisation law');
});
