import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fluidScoreBound, fractionalKnapsack, tenantDemands } from '../../eval/fluid-bound.js';
import { compileModel } from '../../sim-cluster/model.js';
import { parseScenario } from '../../sim-cluster/scenario/load.js';

const close = (a: number, b: number, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} is not within ${tol} of ${b}`);

/** Ten one-second windows of the same offered load and CPU. */
const steady = (offered: number[], capacity: number[]) =>
  Array.from({ length: 10 }, () => ({ offered, capacityCoreSeconds: capacity }));

test('one tenant on one service: the bound is capacity over demand, at most 1', () => {
  // 2 cores, 10 ms per request → 200 requests/s of capacity.
  const bound = (rate: number) =>
    fluidScoreBound({
      demand: [[0.01]],
      weights: [1],
      entitlements: [10 * rate],
      windows: steady([rate], [2]),
    });
  close(bound(400), 0.5);
  close(bound(250), 0.8);
  assert.equal(bound(150), 1);
});

test('two tenants on one service: capacity goes to the weightier entitlement first', () => {
  // 100 requests/s of capacity; both offer 100/s; weights 3 and 1. Serving the first in
  // full scores 3/4, which no other split beats.
  close(
    fluidScoreBound({
      demand: [[0.01], [0.01]],
      weights: [3, 1],
      entitlements: [1000, 1000],
      windows: steady([100, 100], [1]),
    }),
    0.75,
  );
});

test('a tenant offering more than its entitlement gains nothing from the excess', () => {
  // Gold is entitled to 100/s but offers 150/s; bronze (best effort) offers 100/s; the
  // service serves 150/s. Best: gold 100, bronze 50 → (2·1 + 1·0.5)/3.
  close(
    fluidScoreBound({
      demand: [[0.01], [0.01]],
      weights: [2, 1],
      entitlements: [1000, 1000],
      windows: steady([150, 100], [1.5]),
    }),
    2.5 / 3,
    1e-4,
  );
});

test('the tightest service bounds the window', () => {
  // Service 0 has room for everything; service 1 only for half.
  close(
    fluidScoreBound({
      demand: [[0.001, 0.01]],
      weights: [1],
      entitlements: [1000],
      windows: steady([100], [10, 0.5]),
    }),
    0.5,
  );
});

test('the fractional knapsack fills by value per unit of cost', () => {
  // Capacity 10: item 1 (density 3) fully (cost 4, value 12), then item 0 (density 1):
  // 6 of its 10 units → 12 + 6.
  assert.equal(fractionalKnapsack([1, 3], [1, 1], [10, 4], 10), 18);
});

test('tenant demands add the mean CPU of every hop at each service, weighted by the mix', () => {
  const scenario = parseScenario(
    `
name: demands
duration: 10
services:
  a: { workers: 4 }
  b: { workers: 4 }
apis:
  read:
    call:
      service: a
      work: { dist: constant, value: 0.002 }
      calls:
        - { service: b, work: { dist: constant, value: 0.004 } }
        - { service: b, work: { dist: constant, value: 0.001 } }
  write:
    call: { service: a, work: { dist: constant, value: 0.01 } }
tenants:
  t:
    arrivals: { process: poisson, rate: 10 }
    requests: { read: 3, write: 1 }
    slo: { latency: 1, percentile: 99 }
`,
    'demands.yaml',
  );
  const [row] = tenantDemands(compileModel(scenario));
  close(row![0]!, 0.75 * 0.002 + 0.25 * 0.01, 1e-12);
  close(row![1]!, 0.75 * 0.005, 1e-12);
});
