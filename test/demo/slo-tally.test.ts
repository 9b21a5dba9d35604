import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SloTally } from '../../demo/slo-tally.js';

const TENANTS = [
  { name: 'gold', slo: { latency: 0.1, percentile: 99 }, guaranteedRate: 2, weight: 3 },
  { name: 'bronze', slo: { latency: 0.5, percentile: 95 }, weight: 1 },
];

test('SLO score: goodput over per-window entitlement min(offered, guaranteed × 1 s), capped at 1', () => {
  const tally = new SloTally(TENANTS, 1, 2);
  // Warm-up: not counted.
  assert.equal(tally.offered(0, 0.5), false);
  // Window 1: gold offers 3 (entitled 2), window 2: offers 1 (entitled 1) → entitlement 3.
  for (const at of [1.1, 1.2, 1.3, 2.5]) assert.equal(tally.offered(0, at), true);
  tally.finished(0, 'ok', 0.05);
  tally.finished(0, 'ok', 0.2); // too slow: not goodput
  tally.finished(0, 'rejected', 0);
  tally.finished(0, 'ok', 0.09);
  // Bronze has no guaranteed rate: entitled to all 2 it offered; 1 good → 0.5.
  tally.offered(1, 1.5);
  tally.offered(1, 2.5);
  tally.finished(1, 'ok', 0.3);
  tally.finished(1, 'failed', 0);
  const r = tally.result([], { at: [], tenant: [], api: [] });
  assert.equal(r.tenants.gold!.entitlement, 3);
  assert.equal(r.tenants.gold!.goodput, 2);
  assert.equal(r.tenants.gold!.sloScore, 2 / 3);
  assert.equal(r.tenants.bronze!.sloScore, 0.5);
  assert.equal(r.score, (3 * (2 / 3) + 1 * 0.5) / 4);
  assert.equal(r.all.throughput, 4 / 2);
});

test('goodput above the entitlement scores 1, and a tenant owed nothing scores 1', () => {
  const tally = new SloTally(TENANTS, 0, 1);
  for (const at of [0.1, 0.2, 0.3]) tally.offered(0, at);
  for (let i = 0; i < 3; i++) tally.finished(0, 'ok', 0.01);
  const r = tally.result([], { at: [], tenant: [], api: [] });
  assert.equal(r.tenants.gold!.sloScore, 1);
  assert.equal(r.tenants.bronze!.sloScore, 1);
});
