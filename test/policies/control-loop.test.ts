import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../sim-cluster/simulate.js';
import { simulateWithPolicy } from '../../policies/control-loop.js';
import { NoControl } from '../../policies/no-control.js';
import { TTL_INTERVALS, type Decision, type Policy, type Signals } from '../../policies/policy.js';
import { call, scenario, service, tenant } from '../sim-cluster/scenarios-inline.js';

const exp = (mean: number) => ({ dist: 'exponential' as const, mean });

const small = () =>
  scenario([service('api', { workers: 4 })], call('api', exp(0.01)), [tenant('t', 100, 'get')], {
    duration: 20,
    warmup: 2,
  });

test('the control loop calls decide once per control window and names the policy in the summary', () => {
  const windows: number[] = [];
  const policy: Policy = {
    name: 'counting',
    decide(s: Signals): Decision {
      windows.push(s.window);
      return { epoch: s.window + 1, ttlSeconds: 3 };
    },
  };
  const r = simulateWithPolicy(small(), policy);
  assert.equal(r.policy, 'counting');
  // 22 s at 1 s windows: windows 0..21 end at 1..22 (the last at the end of the run).
  assert.deepEqual(
    windows,
    Array.from({ length: 22 }, (_, i) => i),
  );
});

test('the decision taken at the end of a window is in force during the next one', () => {
  const epochs: number[] = [];
  const policy: Policy = {
    name: 'epochs',
    decide: (s) => {
      epochs.push(s.decisionEpoch);
      return { epoch: 100 + s.window, ttlSeconds: 3 };
    },
  };
  simulateWithPolicy(small(), policy);
  assert.equal(epochs[0], -1);
  assert.deepEqual(epochs.slice(1, 4), [100, 101, 102]);
});

test('no control gives the same run as the simulator without a controller', () => {
  const plain = simulate(small());
  const controlled = simulateWithPolicy(small(), new NoControl());
  assert.deepEqual(controlled.tenants, plain.tenants);
  assert.equal(controlled.policy, 'none');
});

test('no control decides a complete, empty decision that lives a few control intervals', () => {
  let last: Decision | undefined;
  simulateWithPolicy(small(), new NoControl(), { observe: (_, d) => (last = d) });
  assert.equal(last?.ttlSeconds, TTL_INTERVALS * 1);
  assert.equal(last?.tenants, undefined);
  assert.equal(last?.services, undefined);
});
