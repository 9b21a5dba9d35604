import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../sim-cluster/scenario/load.js';

const TAIL = `tenants:
  t:
    arrivals: { process: poisson, rate: 5 }
    requests: { get: 1 }
    slo: { latency: 1, percentile: 50 }
`;

function scenario(body: string) {
  return parseScenario(`name: s\nduration: 5\n${body}${TAIL}`, '<inline>');
}

const ONE_CALL = `apis:
  get:
    call: { service: a, work: { dist: constant, value: 0.1 } }
`;

test('cores default to the number of workers', () => {
  const s = scenario(`services:\n  a: { workers: 6 }\n${ONE_CALL}`);
  assert.equal(s.services[0]?.cores, 6);
});

test('fractional cores are accepted', () => {
  const s = scenario(`services:\n  a: { workers: 2, cores: 0.5 }\n${ONE_CALL}`);
  assert.equal(s.services[0]?.cores, 0.5);
});

test('queueCapacity .inf means unbounded and 0 means no waiting room', () => {
  const inf = scenario(`services:\n  a: { queueCapacity: .inf }\n${ONE_CALL}`);
  assert.equal(inf.services[0]?.queueCapacity, Infinity);
  const zero = scenario(`services:\n  a: { queueCapacity: 0 }\n${ONE_CALL}`);
  assert.equal(zero.services[0]?.queueCapacity, 0);
});

test('every scheduler and load balancer name is accepted', () => {
  for (const scheduler of ['fifo', 'priority', 'wfq', 'drr']) {
    for (const lb of ['round-robin', 'random', 'least-outstanding', 'power-of-two']) {
      const s = scenario(
        `services:\n  a: { scheduler: ${scheduler}, loadBalancer: ${lb} }\n${ONE_CALL}`,
      );
      assert.equal(s.services[0]?.scheduler, scheduler);
      assert.equal(s.services[0]?.loadBalancer, lb);
    }
  }
});

test('a network latency distribution is kept as written', () => {
  const s = scenario(
    `network: { latency: { dist: uniform, min: 0.0001, max: 0.0003 } }\nservices:\n  a: {}\n${ONE_CALL}`,
  );
  assert.deepEqual(s.network, { latency: { dist: 'uniform', min: 0.0001, max: 0.0003 } });
});

test('a call keeps its postWork, timeout and retries', () => {
  const s = scenario(`services:\n  a: {}\n  b: {}
apis:
  get:
    call:
      service: a
      work: { dist: constant, value: 0.1 }
      postWork: { dist: exponential, mean: 0.2 }
      calls:
        - { service: b, work: { dist: constant, value: 0 }, timeout: 0.5, retries: 2 }
`);
  const call = s.apis[0]?.call;
  assert.deepEqual(call?.postWork, { dist: 'exponential', mean: 0.2 });
  assert.equal(call?.timeout, undefined);
  assert.equal(call?.retries, 0);
  const child = call?.steps[0]?.[0];
  assert.equal(child?.timeout, 0.5);
  assert.equal(child?.retries, 2);
  assert.equal('postWork' in (child ?? {}), false);
});

test('sequential calls become one-call steps and a parallel group becomes one step', () => {
  const s = scenario(`services:\n  a: {}\n  b: {}\n  c: {}
apis:
  get:
    call:
      service: a
      work: { dist: constant, value: 0 }
      calls:
        - { service: b, work: { dist: constant, value: 0 } }
        - parallel:
            - { service: b, work: { dist: constant, value: 0 } }
            - { service: c, work: { dist: constant, value: 0 } }
        - { service: c, work: { dist: constant, value: 0 } }
`);
  const steps = s.apis[0]?.call.steps.map((step) => step.map((c) => c.service));
  assert.deepEqual(steps, [['b'], ['b', 'c'], ['c']]);
});

test('an empty calls list means no child calls', () => {
  const s = scenario(`services:\n  a: {}
apis:
  get:
    call: { service: a, work: { dist: constant, value: 0 }, calls: [] }
`);
  assert.deepEqual(s.apis[0]?.call.steps, []);
});
