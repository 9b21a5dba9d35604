import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateWithPolicy } from '../../policies/control-loop.js';
import { createPolicy } from '../../policies/registry.js';
import { StaticQuotas } from '../../policies/static-quotas.js';
import { call, scenario, service, tenant } from '../sim-cluster/scenarios-inline.js';

const exp = (mean: number) => ({ dist: 'exponential' as const, mean });

test('static quotas cap each tenant at its guaranteed rate', () => {
  const s = scenario(
    [service('api', { workers: 64 })],
    call('api', exp(0.005)),
    [
      tenant('greedy', 400, 'get', { guaranteedRate: 100 }),
      tenant('modest', 50, 'get', { guaranteedRate: 100 }),
    ],
    { duration: 30, warmup: 1 },
  );
  const r = simulateWithPolicy(s, new StaticQuotas());
  const admittedPerSecond = (name: string) => r.tenants[name]!.admitted / r.simulatedSeconds;
  // The greedy tenant's bucket passes 100/s (plus at most one burst); the modest one is under its quota.
  assert.ok(
    Math.abs(admittedPerSecond('greedy') - 100) <= 100 * 0.02,
    `greedy ${admittedPerSecond('greedy')}`,
  );
  assert.equal(r.tenants.modest!.rejected, 0);
});

test('a configured rate overrides the guaranteed rate', () => {
  const s = scenario(
    [service('api', { workers: 64 })],
    call('api', exp(0.005)),
    [tenant('a', 400, 'get', { guaranteedRate: 100 })],
    { duration: 30, warmup: 1 },
  );
  const r = simulateWithPolicy(s, createPolicy('static', { rates: { a: 200 } }));
  assert.ok(Math.abs(r.tenants.a!.admitted / r.simulatedSeconds - 200) <= 200 * 0.02);
});
