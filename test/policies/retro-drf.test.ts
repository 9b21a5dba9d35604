import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateWithPolicy } from '../../policies/control-loop.js';
import { createPolicy } from '../../policies/registry.js';
import { call, scenario, service, tenant } from '../sim-cluster/scenarios-inline.js';

const exp = (mean: number) => ({ dist: 'exponential' as const, mean });

test('Retro DRF equalises dominant shares: a tenant heavy on one service cannot crowd out one heavy on another', () => {
  // Tenant x uses 4 ms at a and 1 ms at b; tenant y the reverse; each offers 400/s on
  // services of 1 core, shared out to 90%. Progressive filling raises both rates equally
  // until a service is full: 0.004·r + 0.001·r = 0.9, so r = 180/s each.
  const s = scenario(
    [
      service('a', { workers: 1 }),
      service('b', { workers: 1 }),
      service('entry', { workers: 100 }),
    ],
    call('entry', exp(0.0001)),
    [],
    {
      duration: 30,
      warmup: 2,
      apis: [
        {
          name: 'x',
          call: call('entry', exp(0.0001), {
            steps: [[call('a', exp(0.004))], [call('b', exp(0.001))]],
          }),
        },
        {
          name: 'y',
          call: call('entry', exp(0.0001), {
            steps: [[call('a', exp(0.001))], [call('b', exp(0.004))]],
          }),
        },
      ],
      tenants: [tenant('x', 400, 'x'), tenant('y', 400, 'y')],
    },
  );
  const r = simulateWithPolicy(s, createPolicy('retro-drf'));
  for (const name of ['x', 'y']) {
    const rate = r.tenants[name]!.admitted / r.simulatedSeconds;
    assert.ok(Math.abs(rate - 180) / 180 < 0.1, `${name} admitted ${rate}/s`);
  }
});
