import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateWithPolicy } from '../../policies/control-loop.js';
import { createPolicy, policyEntries } from '../../policies/registry.js';
import { call, scenario, service, tenant } from '../sim-cluster/scenarios-inline.js';

const exp = (mean: number) => ({ dist: 'exponential' as const, mean });

test('every policy gives the same run twice from the same seed, and again after reset', () => {
  const s = scenario(
    [service('front', { workers: 8 }), service('back', { workers: 2 })],
    call('front', exp(0.001), { steps: [[call('back', exp(0.01))]] }),
    [tenant('a', 150, 'get', { weight: 2 }), tenant('b', 150, 'get', { guaranteedRate: 50 })],
    { duration: 15, warmup: 1 },
  );
  for (const e of policyEntries()) {
    const policy = createPolicy(e.name);
    const first = simulateWithPolicy(s, policy);
    const again = simulateWithPolicy(s, policy);
    const fresh = simulateWithPolicy(s, createPolicy(e.name));
    assert.deepEqual(again.tenants, first.tenants, e.name);
    assert.deepEqual(fresh.tenants, first.tenants, e.name);
  }
});
