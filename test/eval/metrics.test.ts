import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jainIndex, rejectedWithinEntitlement, runMetrics } from '../../eval/metrics.js';
import type { Timeline, TenantWindow } from '../../eval/timeline.js';
import type { SimSummary, TenantSummary } from '../../sim-cluster/summary.js';

test("Jain's index is 1 for equal shares and 1/n when one tenant gets everything", () => {
  assert.equal(jainIndex([0.5, 0.5, 0.5]), 1);
  assert.equal(jainIndex([1, 0, 0, 0]), 0.25);
  // (1 + 0.5)² / (2 × (1 + 0.25)) = 2.25 / 2.5
  assert.equal(jainIndex([1, 0.5]), 0.9);
});

const win = (w: Partial<TenantWindow>): TenantWindow => ({
  offered: 0,
  admitted: 0,
  rejected: 0,
  completed: 0,
  goodput: 0,
  entitlement: 0,
  p50: 0,
  p99: 0,
  ...w,
});

test('rejections beyond the entitlement do not count as rejected within it', () => {
  // Offered 100, entitled to 60, 30 rejected: 70 got through, above 60.
  assert.equal(rejectedWithinEntitlement(win({ offered: 100, entitlement: 60, rejected: 30 })), 0);
});

test('rejections that leave the tenant below its entitlement count up to the shortfall', () => {
  // Offered 100, entitled to 60, 50 rejected: 50 got through, 10 short of 60.
  assert.equal(rejectedWithinEntitlement(win({ offered: 100, entitlement: 60, rejected: 50 })), 10);
  // Offered 40 (all entitled), 5 rejected: all 5 count.
  assert.equal(rejectedWithinEntitlement(win({ offered: 40, entitlement: 40, rejected: 5 })), 5);
});

function tenant(t: Partial<TenantSummary>): TenantSummary {
  return {
    offered: 0,
    admitted: 0,
    rejected: 0,
    rejectedByReason: {} as TenantSummary['rejectedByReason'],
    completed: 0,
    failed: 0,
    timedOut: 0,
    inFlight: 0,
    goodput: 0,
    entitlement: 0,
    sloAttainment: 1,
    sloMet: true,
    throughput: 0,
    latency: { mean: 0, p50: 0.01, p90: 0.02, p99: 0.03, p999: 0.04, max: 0.05 },
    ...t,
  };
}

test('run metrics of a hand-built run follow from its summary and timeline', () => {
  const summary: SimSummary = {
    scenario: 's',
    seed: 1,
    policy: 'p',
    simulatedSeconds: 10,
    warmupSeconds: 0,
    wallSeconds: 0,
    events: 0,
    score: (3 * 1 + 1 * 0.5) / 4,
    tenants: {
      a: tenant({ offered: 100, goodput: 100, entitlement: 100, sloAttainment: 1, throughput: 10 }),
      b: tenant({ offered: 200, goodput: 50, entitlement: 100, sloAttainment: 0.5, rejected: 80 }),
    },
    services: {
      x: { utilization: 0.4, meanQueueLength: 0, meanWait: 0, throughput: 0, rejected: 0 },
      y: { utilization: 0.8, meanQueueLength: 0, meanWait: 0, throughput: 0, rejected: 0 },
    },
  };
  const timeline: Timeline = {
    tenants: ['a', 'b'],
    weights: [3, 1],
    services: ['x', 'y'],
    windows: [
      {
        endSeconds: 10,
        seconds: 10,
        tenants: [
          win({ offered: 100, entitlement: 100 }),
          // 200 offered, 80 rejected → 120 through; entitled to 100 → none within.
          win({ offered: 200, entitlement: 100, rejected: 80 }),
        ],
        utilization: [0.4, 0.8],
        // Plenty of CPU: 10 core-seconds at each service for requests costing 1 ms.
        capacityCoreSeconds: [10, 10],
      },
    ],
  };
  const m = runMetrics(summary, timeline, [
    [0.001, 0.001],
    [0.001, 0.001],
  ]);
  assert.equal(m.score, 0.875);
  assert.equal(m.fluidBound, 1);
  assert.equal(m.fairness, jainIndex([1, 0.5]));
  assert.ok(Math.abs(m.meanUtilization - 0.6) < 1e-12);
  assert.equal(m.maxUtilization, 0.8);
  assert.equal(m.tenants.b!.goodputPerSecond, 5);
  assert.equal(m.tenants.b!.offeredPerSecond, 20);
  assert.equal(m.tenants.b!.rejectedWithinEntitlement, 0);
  assert.equal(m.tenants.a!.p999Seconds, 0.04);
  assert.equal(m.tenants.a!.weight, 3);
});
