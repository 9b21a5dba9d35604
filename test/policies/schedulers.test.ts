/**
 * Each scheduler's defining property: FIFO order, strict priority, weighted shares of a
 * saturated service (WFQ, DRR), 2DFQ's protection of cheap requests from expensive ones
 * on a shared worker pool, and EDF's deadlines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../sim-cluster/simulate.js';
import { simulateWithPolicy } from '../../policies/control-loop.js';
import { NoControl } from '../../policies/no-control.js';
import { createScheduler } from '../../sim-cluster/schedulers/index.js';
import type { SchedulerName } from '../../sim-cluster/scenario/types.js';
import { call, scenario, service, tenant } from '../sim-cluster/scenarios-inline.js';

const exp = (mean: number) => ({ dist: 'exponential' as const, mean });
const constant = (value: number) => ({ dist: 'constant' as const, value });
const closed = (users: number) => ({
  arrivals: { process: 'closed' as const, users, thinkTime: exp(0.0001) },
});

function controls(weights: number[], priorities: number[] = weights.map(() => 0)) {
  return { weight: new Float64Array(weights), priority: new Float64Array(priorities) };
}

function drain(name: SchedulerName, c: ReturnType<typeof controls>, tenants: number[]): number[] {
  const q = createScheduler(name, c);
  tenants.forEach((t, handle) => q.enqueue(handle, t, 0.001, handle, 10 - handle));
  const out: number[] = [];
  while (q.length > 0) out.push(q.dequeue(100, 0, 1));
  return out;
}

test('FIFO serves requests in arrival order whatever their tenant', () => {
  assert.deepEqual(drain('fifo', controls([1, 1, 1]), [2, 0, 1, 2, 0]), [0, 1, 2, 3, 4]);
});

test('strict priority serves every request of a higher priority first, FIFO within a level', () => {
  // Tenant 1 has priority 5, tenant 0 priority 1, tenant 2 priority 0.
  const order = drain('priority', controls([1, 1, 1], [1, 5, 0]), [2, 0, 1, 2, 1, 0]);
  assert.deepEqual(order, [2, 4, 1, 5, 0, 3]);
});

test('EDF serves the earliest deadline first', () => {
  // Deadlines are 10 − handle: the last enqueued is due first.
  assert.deepEqual(drain('edf', controls([1, 1]), [0, 1, 0, 1]), [3, 2, 1, 0]);
});

for (const name of ['wfq', 'drr'] as const) {
  test(`${name} shares a saturated service by weight within 2%`, () => {
    const s = scenario(
      [service('api', { workers: 2, scheduler: name })],
      call('api', exp(0.01)),
      [tenant('light', 300, 'get', { weight: 1 }), tenant('heavy', 300, 'get', { weight: 3 })],
      { duration: 60, warmup: 5 },
    );
    // Hops completed at the service per tenant, over the measured windows.
    const hops = [0, 0];
    simulateWithPolicy(s, new NoControl(), {
      observe: (signals) => {
        if (!signals.measured) return;
        signals.services[0]!.tenants.forEach((t, i) => (hops[i]! += t.hops));
      },
    });
    const share = hops[1]! / (hops[0]! + hops[1]!);
    assert.ok(Math.abs(share - 0.75) / 0.75 <= 0.02, `heavy share ${share}`);
  });
}

test("2DFQ keeps cheap requests' p99 far lower than WFQ when they share workers with expensive ones", () => {
  // One tenant of 1 ms requests and eight of 100 ms requests on 8 workers, all backlogged:
  // WFQ lets the expensive tenants' heads take every worker at once, stalling the cheap
  // tenant for a whole 100 ms; 2DFQ keeps the expensive ones on high-index workers.
  const run = (scheduler: SchedulerName) =>
    simulate(
      scenario([service('api', { workers: 8, scheduler })], call('api', constant(0.001)), [], {
        duration: 20,
        warmup: 2,
        apis: [
          { name: 'small', call: call('api', constant(0.001)) },
          { name: 'large', call: call('api', constant(0.1)) },
        ],
        tenants: [
          tenant('small', 0, 'small', closed(16)),
          ...Array.from({ length: 8 }, (_, i) => tenant(`large${i}`, 0, 'large', closed(4))),
        ],
      }),
    ).tenants.small!.latency.p99;
  const wfq = run('wfq');
  const twoDfq = run('2dfq');
  assert.ok(twoDfq < wfq / 3, `2DFQ p99 ${twoDfq}, WFQ p99 ${wfq}`);
});

test('EDF meets more deadlines than FIFO under mixed SLOs', () => {
  const run = (scheduler: SchedulerName) => {
    const r = simulate(
      scenario(
        [service('api', { workers: 1, scheduler })],
        call('api', exp(0.005)),
        [
          tenant('tight', 90, 'get', { slo: { latency: 0.02, percentile: 99 } }),
          tenant('loose', 90, 'get', { slo: { latency: 0.5, percentile: 99 } }),
        ],
        { duration: 120, warmup: 5 },
      ),
    );
    return r.tenants.tight!.goodput + r.tenants.loose!.goodput;
  };
  const fifo = run('fifo');
  const edf = run('edf');
  assert.ok(edf > fifo * 1.05, `EDF met ${edf} deadlines, FIFO ${fifo}`);
});
