import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateSignals, mergeLatency } from '../../controller/aggregate.js';
import type { ReportMessage } from '../../controller/protocol.js';
import {
  combineParts,
  demandShare,
  splitDecision,
  splitDecisionFor,
  type InstanceDemand,
} from '../../controller/split.js';
import type { Decision } from '../../sim-cluster/enforcement.js';
import { report, service, tenant } from './fixtures.js';

const full = (r: Omit<ReportMessage, 'type'>): ReportMessage => ({ type: 'report', ...r });

test('a single ingress report passes through aggregation unchanged', () => {
  const t = tenant('t', 7);
  const s = aggregateSignals(2, [full(report(2, [t]))]);
  assert.equal(s.tenants[0], t);
});

test('the counts of one tenant seen by two ingress instances add up', () => {
  const s = aggregateSignals(0, [
    full(report(0, [tenant('t', 30)])),
    full(report(0, [tenant('t', 10)])),
  ]);
  assert.equal(s.tenants.length, 1);
  assert.equal(s.tenants[0]!.offered, 40);
  assert.equal(s.tenants[0]!.latency.count, 40);
});

test('merged latency means are weighted by completed requests and the max is the largest', () => {
  const a = { count: 3, mean: 1, p50: 1, p90: 1, p99: 1, max: 2 };
  const b = { count: 1, mean: 5, p50: 5, p90: 5, p99: 5, max: 9 };
  const m = mergeLatency([a, b]);
  assert.equal(m.mean, (3 * 1 + 1 * 5) / 4);
  assert.equal(m.max, 9);
});

test('instances of one service merge into one ServiceSignals aligned with the tenants', () => {
  const s = aggregateSignals(0, [
    full(report(0, [tenant('u', 1), tenant('t', 1)])),
    full(report(0, [], service('api', { t: 4 }))),
    full(report(0, [], service('api', { t: 6, u: 2 }))),
  ]);
  assert.equal(s.services.length, 1);
  assert.equal(s.services[0]!.replicas, 2);
  assert.deepEqual(
    s.services[0]!.tenants.map((t) => t.hops),
    [2, 10],
  );
});

const decision: Decision = {
  epoch: 4,
  ttlSeconds: 3,
  tenants: { t: { rateLimit: { ratePerSecond: 90, burst: 30 }, weight: 3, concurrencyLimit: 12 } },
  services: { api: { concurrencyLimit: 20, queueDelayThreshold: 0.5 } },
};

test('a tenant rate is split across ingress instances by the demand each observed', () => {
  const ingress: InstanceDemand[] = [
    { id: 'a', role: 'ingress', service: 'gw', demand: { t: 20 } },
    { id: 'b', role: 'ingress', service: 'gw', demand: { t: 10 } },
  ];
  const parts = splitDecision(decision, ingress);
  assert.equal(parts.get('a')!.tenants!.t!.rateLimit!.ratePerSecond, (90 * 20) / 30);
  assert.equal(parts.get('b')!.tenants!.t!.rateLimit!.burst, (30 * 10) / 30);
  assert.equal(parts.get('a')!.tenants!.t!.weight, undefined);
});

test('instances that saw no demand share a rate equally', () => {
  const peers: InstanceDemand[] = [
    { id: 'a', role: 'ingress', service: 'gw', demand: {} },
    { id: 'b', role: 'ingress', service: 'gw', demand: {} },
  ];
  assert.equal(demandShare(peers[0]!, peers, 't'), 1 / 2);
});

test('an unbounded limit stays unbounded at an instance that saw none of its demand', () => {
  // Infinity × a share of 0 would be NaN: invalid in version 1, "no knob" in version 2.
  const unbounded: Decision = {
    epoch: 1,
    ttlSeconds: 5,
    tenants: {
      t: { rateLimit: { ratePerSecond: Infinity, burst: Infinity }, concurrencyLimit: Infinity },
    },
    services: { api: { concurrencyLimit: Infinity } },
  };
  const parts = splitDecision(unbounded, [
    { id: 'a', role: 'ingress', service: 'gw', demand: { t: 20 } },
    { id: 'b', role: 'ingress', service: 'gw', demand: {} },
    { id: 's1', role: 'service', service: 'api', demand: { t: 5 } },
    { id: 's2', role: 'service', service: 'api', demand: {} },
  ]);
  for (const id of ['a', 'b']) {
    assert.deepEqual(parts.get(id)!.tenants!.t!.rateLimit, {
      ratePerSecond: Infinity,
      burst: Infinity,
    });
  }
  for (const id of ['s1', 's2']) {
    assert.equal(parts.get(id)!.tenants!.t!.concurrencyLimit, Infinity);
    assert.equal(parts.get(id)!.services!.api!.concurrencyLimit, Infinity);
  }
});

test('service instances get the admission knobs, with concurrency limits split and the rest copied', () => {
  const parts = splitDecision(decision, [
    { id: 's1', role: 'service', service: 'api', demand: { t: 3 } },
    { id: 's2', role: 'service', service: 'api', demand: { t: 1 } },
  ]);
  const p = parts.get('s1')!;
  assert.equal(p.tenants!.t!.weight, 3);
  assert.equal(p.tenants!.t!.concurrencyLimit, (12 * 3) / 4);
  assert.equal(p.services!.api!.concurrencyLimit, (20 * 3) / 4);
  assert.equal(p.services!.api!.queueDelayThreshold, 0.5);
  assert.equal((p.tenants!.t as { rateLimit?: unknown }).rateLimit, undefined);
});

test('with one instance per role the parts recombine to the decision they came from', () => {
  const parts = splitDecision(decision, [
    { id: 'in', role: 'ingress', service: 'gw', demand: { t: 5 } },
    { id: 'api', role: 'service', service: 'api', demand: { t: 5 } },
  ]);
  const back = combineParts(
    [
      { role: 'ingress', part: parts.get('in')! },
      { role: 'service', part: parts.get('api')! },
    ],
    decision.epoch,
    decision.ttlSeconds,
  );
  assert.deepEqual(back, decision);
});

test('three ingress reports merge field by field like a plain reference computation', () => {
  const make = (offered: number, mean: number, p99: number, max: number, shed: number) => ({
    ...tenant('t', offered),
    rejected: shed,
    rejectedByReason: { ...tenant('t', offered).rejectedByReason, shed },
    latency: { count: offered, mean, p50: mean, p90: p99 / 2, p99, max },
  });
  const parts = [make(3, 0.1, 0.3, 0.5, 1), make(5, 0.2, 0.7, 0.9, 0), make(0, 0, 0, 0, 4)];
  const s = aggregateSignals(
    1,
    parts.map((t) => full(report(1, [t]))),
  );
  const m = s.tenants[0]!;
  const sum = (f: (t: (typeof parts)[number]) => number) => parts.reduce((a, t) => a + f(t), 0);
  const weighted = (f: (t: (typeof parts)[number]) => number) =>
    sum((t) => f(t) * t.latency.count) / sum((t) => t.latency.count);
  assert.equal(m.offered, 8);
  assert.equal(m.rejected, 5);
  assert.equal(m.rejectedByReason.shed, 5);
  assert.equal(m.rejectedByReason['rate-limit'], 0);
  assert.equal(m.latency.count, 8);
  assert.equal(
    m.latency.mean,
    weighted((t) => t.latency.mean),
  );
  assert.equal(
    m.latency.p90,
    weighted((t) => t.latency.p90),
  );
  assert.equal(
    m.latency.p99,
    weighted((t) => t.latency.p99),
  );
  assert.equal(m.latency.max, 0.9);
  assert.equal(
    m.goodput,
    sum((t) => t.goodput),
  );
});

test("one instance's part computed alone equals its part in the whole split", () => {
  const instances: InstanceDemand[] = [
    { id: 'a', role: 'ingress', service: 'gw', demand: { t: 3 } },
    { id: 'b', role: 'ingress', service: 'gw', demand: { t: 1 } },
    { id: 'c', role: 'service', service: 'api', demand: { t: 5 } },
    { id: 'd', role: 'service', service: 'api', demand: {} },
  ];
  const all = splitDecision(decision, instances);
  for (const inst of instances)
    assert.deepEqual(splitDecisionFor(decision, instances, inst.id), all.get(inst.id));
  assert.equal(splitDecisionFor(decision, instances, 'nobody'), undefined);
});
