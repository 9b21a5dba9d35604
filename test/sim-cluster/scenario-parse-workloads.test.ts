/** Arrival processes, retry policies, clients, faults and traces load with their defaults. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile, parseScenario } from '../../sim-cluster/scenario/load.js';
import {
  DEFAULT_BACKOFF_BASE,
  DEFAULT_BACKOFF_MAX_FACTOR,
  DEFAULT_BACKOFF_MULTIPLIER,
  DEFAULT_RETRY_BUDGET_RATIO,
} from '../../sim-cluster/scenario/client-policies.js';

const HEAD = `name: s
duration: 5
services:
  a: { replicas: 3, workers: 4 }
  b: {}
apis:
  get:
    call:
      service: a
      work: { dist: constant, value: 0.01 }
      CALL_EXTRA
      calls: [{ service: b, work: { dist: constant, value: 0 } }]
  put:
    call: { service: b, work: { dist: constant, value: 0.01 } }
`;

/** A scenario with one tenant whose `arrivals` (and more tenant keys) are `tenant`. */
function withTenant(tenant: string, tail = '', callExtra = ''): string {
  return `${HEAD.replace('CALL_EXTRA', callExtra)}tenants:
  t:
    ${tenant}
    slo: { latency: 1, percentile: 50 }
${tail}`;
}

const MIX = 'requests: { get: 1 }';
const arrivalsOf = (arrivals: string) =>
  parseScenario(withTenant(`arrivals: ${arrivals}\n    ${MIX}`), '<inline>').tenants[0]?.arrivals;

test('a deterministic process keeps its rate', () => {
  assert.deepEqual(arrivalsOf('{ process: deterministic, rate: 4 }'), {
    process: 'deterministic',
    rate: 4,
  });
});

test('an mmpp keeps its states, a zero rate included', () => {
  assert.deepEqual(
    arrivalsOf(
      '{ process: mmpp, states: [{ rate: 50, meanDuration: 2 }, { rate: 0, meanDuration: 8 }] }',
    ),
    {
      process: 'mmpp',
      states: [
        { rate: 50, meanDuration: 2 },
        { rate: 0, meanDuration: 8 },
      ],
    },
  );
});

test('a diurnal process has phase 0 by default', () => {
  assert.deepEqual(arrivalsOf('{ process: diurnal, mean: 10, amplitude: 1, period: 600 }'), {
    process: 'diurnal',
    mean: 10,
    amplitude: 1,
    period: 600,
    phase: 0,
  });
});

test('a schedule interpolates in steps by default and may start at rate 0', () => {
  assert.deepEqual(
    arrivalsOf('{ process: schedule, points: [{ at: 0, rate: 0 }, { at: 30, rate: 100 }] }'),
    {
      process: 'schedule',
      interpolate: 'step',
      points: [
        { at: 0, rate: 0 },
        { at: 30, rate: 100 },
      ],
    },
  );
});

test('a linear schedule of one point is accepted', () => {
  const a = arrivalsOf('{ process: schedule, interpolate: linear, points: [{ at: 5, rate: 2 }] }');
  assert.deepEqual(a, { process: 'schedule', interpolate: 'linear', points: [{ at: 5, rate: 2 }] });
});

test('a closed loop keeps its users and think-time distribution', () => {
  assert.deepEqual(
    arrivalsOf('{ process: closed, users: 20, thinkTime: { dist: exponential, mean: 0.5 } }'),
    { process: 'closed', users: 20, thinkTime: { dist: 'exponential', mean: 0.5 } },
  );
});

test('a backoff given only a base gets the documented multiplier, max and full jitter', () => {
  const s = parseScenario(
    withTenant(`arrivals: { process: poisson, rate: 1 }\n    ${MIX}`, '', 'backoff: { base: 0.1 }'),
    '<inline>',
  );
  assert.deepEqual(s.apis[0]?.call.backoff, {
    base: 0.1,
    multiplier: DEFAULT_BACKOFF_MULTIPLIER,
    max: DEFAULT_BACKOFF_MAX_FACTOR * 0.1,
    jitter: 'full',
  });
});

test('an empty backoff and an empty retry budget take every default', () => {
  const s = parseScenario(
    withTenant(
      `arrivals: { process: poisson, rate: 1 }\n    ${MIX}`,
      '',
      'backoff: {}\n      retryBudget: {}',
    ),
    '<inline>',
  );
  const call = s.apis[0]?.call;
  assert.deepEqual(call?.backoff, {
    base: DEFAULT_BACKOFF_BASE,
    multiplier: DEFAULT_BACKOFF_MULTIPLIER,
    max: DEFAULT_BACKOFF_MAX_FACTOR * DEFAULT_BACKOFF_BASE,
    jitter: 'full',
  });
  assert.deepEqual(call?.retryBudget, { ratio: DEFAULT_RETRY_BUDGET_RATIO, minPerSecond: 0 });
  assert.equal('backoff' in (call?.steps[0]?.[0] ?? {}), false);
});

test('a call without retry policies has no backoff, budget or timeout keys', () => {
  const s = parseScenario(
    withTenant(`arrivals: { process: poisson, rate: 1 }\n    ${MIX}`),
    '<inline>',
  );
  assert.deepEqual(Object.keys(s.apis[0]?.call ?? {}).sort(), [
    'retries',
    'service',
    'steps',
    'work',
  ]);
});

test('an empty client makes no retries and has no timeout', () => {
  const s = parseScenario(
    withTenant(`arrivals: { process: poisson, rate: 1 }\n    ${MIX}\n    client: {}`),
    '<inline>',
  );
  assert.deepEqual(s.tenants[0]?.client, { retries: 0 });
});

test('a full client keeps its timeout, retries, backoff and budget', () => {
  const s = parseScenario(
    withTenant(
      `arrivals: { process: poisson, rate: 1 }\n    ${MIX}
    client: { timeout: 0.2, retries: 3, backoff: { base: 0.01, jitter: none }, retryBudget: { ratio: 0.5, minPerSecond: 2 } }`,
    ),
    '<inline>',
  );
  assert.deepEqual(s.tenants[0]?.client, {
    timeout: 0.2,
    retries: 3,
    backoff: { base: 0.01, multiplier: 2, max: 0.1, jitter: 'none' },
    retryBudget: { ratio: 0.5, minPerSecond: 2 },
  });
});

test('a scenario without faults has an empty fault list', () => {
  const s = parseScenario(
    withTenant(`arrivals: { process: poisson, rate: 1 }\n    ${MIX}`),
    '<inline>',
  );
  assert.deepEqual(s.faults, []);
});

test('each fault kind loads in file order, optional service and replica left out', () => {
  const faults = `faults:
  - { kind: slowdown, service: b, at: 10, duration: 5, factor: 4 }
  - { kind: crash, service: a, replica: 2, at: 0, duration: 1 }
  - { kind: latency, at: 3, duration: 2, add: 0.005 }
  - { kind: latency, service: b, at: 3, duration: 2, add: 0 }
  - { kind: noisy-neighbour, service: a, at: 1, duration: 9, cores: 3.5 }
  - { kind: noisy-neighbour, service: a, replica: 0, at: 1, duration: 9, cores: 1 }
`;
  const s = parseScenario(
    withTenant(`arrivals: { process: poisson, rate: 1 }\n    ${MIX}`, faults),
    '<inline>',
  );
  assert.deepEqual(s.faults, [
    { kind: 'slowdown', service: 'b', at: 10, duration: 5, factor: 4 },
    { kind: 'crash', service: 'a', replica: 2, at: 0, duration: 1 },
    { kind: 'latency', at: 3, duration: 2, add: 0.005 },
    { kind: 'latency', service: 'b', at: 3, duration: 2, add: 0 },
    { kind: 'noisy-neighbour', service: 'a', at: 1, duration: 9, cores: 3.5 },
    { kind: 'noisy-neighbour', service: 'a', replica: 0, at: 1, duration: 9, cores: 1 },
  ]);
});

/** A scenario file in a fresh directory with a trace under `traces/`. */
function traceScenario(arrivals: string, csv: string, requests = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'governor-trace-'));
  mkdirSync(join(dir, 'traces'));
  writeFileSync(join(dir, 'traces', 'log.csv'), csv);
  const path = join(dir, 's.yaml');
  writeFileSync(path, withTenant(`arrivals: ${arrivals}${requests}`));
  return path;
}

const CSV = 'timestamp,tenant,api\n0.5,t,get\n0.5,other,nope\n1.25,t,put\r\n\n2,t,get\n';

test('a trace resolves next to its scenario file and keeps only its tenant rows, scaled', () => {
  const path = traceScenario('{ process: trace, file: traces/log.csv, timeScale: 2 }', CSV);
  const a = loadScenarioFile(path).tenants[0]?.arrivals;
  assert.deepEqual(a, {
    process: 'trace',
    file: join(path, '..', 'traces', 'log.csv'),
    timeScale: 2,
    rows: [
      { at: 1, api: 'get' },
      { at: 2.5, api: 'put' },
      { at: 4, api: 'get' },
    ],
  });
});

test('a trace has time scale 1 and, without requests, a mix counted from its rows', () => {
  const path = traceScenario('{ process: trace, file: traces/log.csv }', CSV);
  const t = loadScenarioFile(path).tenants[0];
  assert.equal(t?.arrivals.process === 'trace' && t.arrivals.timeScale, 1);
  assert.deepEqual(t?.requests, [
    { api: 'get', weight: 2 },
    { api: 'put', weight: 1 },
  ]);
});

test('a trace tenant may still give its own request mix', () => {
  const path = traceScenario('{ process: trace, file: traces/log.csv }', CSV, `\n    ${MIX}`);
  assert.deepEqual(loadScenarioFile(path).tenants[0]?.requests, [{ api: 'get', weight: 1 }]);
});
