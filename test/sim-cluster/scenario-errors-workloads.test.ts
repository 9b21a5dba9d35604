/**
 * Malformed arrival processes, traces, retry policies, clients, faults and family
 * parameters (issue 3): each case breaks one field of a valid scenario and expects the
 * exact path and rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { parseScenario } from '../../sim-cluster/scenario/load.js';
import { InvalidScenarioError } from '../../sim-cluster/errors.js';

const FILE = 'bad.yaml';
const DIR = '/scenarios';

/** Trace files the cases may read, by resolved path. */
const FILES: Record<string, string> = {
  '/scenarios/ok.csv': 'timestamp,tenant,api\n0.5,t1,get\n',
  '/scenarios/header.csv': 'time,tenant,api\n0.5,t1,get\n',
  '/scenarios/unsorted.csv': 'timestamp,tenant,api\n2,t1,get\n1,t2,get\n',
  '/scenarios/api.csv': 'timestamp,tenant,api\n1,t1,put\n',
  '/scenarios/other-api.csv': 'timestamp,tenant,api\n1,t2,put\n',
  '/scenarios/stamp.csv': 'timestamp,tenant,api\n1,t1,get\n\n-1,t1,get\n',
  '/scenarios/fields.csv': 'timestamp,tenant,api\n1,t1\n',
};

function readText(path: string): string {
  const text = FILES[path];
  if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  return text;
}

/** A valid scenario each case breaks in one place: db has 2 replicas of 2 cores. */
function base(): Record<string, unknown> {
  return {
    name: 'base',
    duration: 10,
    services: { api: { workers: 2 }, db: { replicas: 2, workers: 2, cores: 2 } },
    apis: {
      get: {
        call: {
          service: 'api',
          work: { dist: 'exponential', mean: 0.01 },
          calls: [{ service: 'db', work: { dist: 'constant', value: 0.001 } }],
        },
      },
    },
    tenants: {
      t1: {
        arrivals: { process: 'poisson', rate: 10 },
        requests: { get: 1 },
        slo: { latency: 0.1, percentile: 99 },
      },
    },
    faults: [{ kind: 'slowdown', service: 'db', at: 1, duration: 2, factor: 3 }],
  };
}

type Key = string | number;

/** The base scenario as YAML with the value at `keys` replaced (`undefined` deletes it). */
function edited(keys: readonly Key[], value: unknown): string {
  const root = base();
  let node = root as Record<Key, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<Key, unknown>;
  const last = keys[keys.length - 1] as Key;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return stringify(root);
}

const ARRIVALS = ['tenants', 't1', 'arrivals'];
const A = 'tenants.t1.arrivals';
const CALL = ['apis', 'get', 'call'];
const CLIENT = ['tenants', 't1', 'client'];
const FAULT = ['faults', 0];

const arrivals = (value: unknown) => edited(ARRIVALS, value);
const fault = (value: unknown) => edited(FAULT, value);
const mmpp = (...states: unknown[]) => arrivals({ process: 'mmpp', states });
const schedule = (...points: unknown[]) => arrivals({ process: 'schedule', points });
const trace = (file: string, extra: object = {}) => arrivals({ process: 'trace', file, ...extra });
const diurnal = (fields: object) =>
  arrivals({ process: 'diurnal', mean: 10, amplitude: 0.5, period: 60, ...fields });
const rate = (value: unknown) => edited([...ARRIVALS, 'rate'], value);

const CASES: { title: string; yaml: string; path: string; rule: string }[] = [
  // Arrival processes.
  {
    title: 'a zero deterministic rate',
    yaml: arrivals({ process: 'deterministic', rate: 0 }),
    path: `${A}.rate`,
    rule: 'rate must be a positive number, got 0',
  },
  {
    title: 'an mmpp with one state',
    yaml: mmpp({ rate: 5, meanDuration: 1 }),
    path: `${A}.states`,
    rule: 'states must list at least 2 states, got 1',
  },
  {
    title: 'an mmpp state with a negative rate',
    yaml: mmpp({ rate: 5, meanDuration: 1 }, { rate: -1, meanDuration: 1 }),
    path: `${A}.states[1].rate`,
    rule: 'rate must be a non-negative number, got -1',
  },
  {
    title: 'an mmpp state with a zero mean duration',
    yaml: mmpp({ rate: 5, meanDuration: 0 }, { rate: 0, meanDuration: 1 }),
    path: `${A}.states[0].meanDuration`,
    rule: 'meanDuration must be a positive number, got 0',
  },
  {
    title: 'an mmpp whose states all have rate 0',
    yaml: mmpp({ rate: 0, meanDuration: 1 }, { rate: 0, meanDuration: 1 }),
    path: `${A}.states`,
    rule: 'states must have at least one positive rate',
  },
  {
    title: 'an mmpp state with an unknown key',
    yaml: mmpp({ rate: 5, meanDuration: 1 }, { rate: 0, duration: 1 }),
    path: `${A}.states[1].duration`,
    rule: 'unknown key "duration"; allowed keys are rate, meanDuration',
  },
  {
    title: 'a diurnal amplitude above 1',
    yaml: diurnal({ amplitude: 1.5 }),
    path: `${A}.amplitude`,
    rule: 'amplitude must be in [0, 1], got 1.5',
  },
  {
    title: 'a zero diurnal period',
    yaml: diurnal({ period: 0 }),
    path: `${A}.period`,
    rule: 'period must be a positive number, got 0',
  },
  {
    title: 'a diurnal process given a rate',
    yaml: diurnal({ rate: 10 }),
    path: `${A}.rate`,
    rule: 'unknown key "rate"; allowed keys are process, mean, amplitude, period, phase',
  },
  {
    title: 'a schedule without points',
    yaml: schedule(),
    path: `${A}.points`,
    rule: 'points must be a non-empty list, got []',
  },
  {
    title: 'schedule points out of order',
    yaml: schedule({ at: 10, rate: 5 }, { at: 5, rate: 1 }),
    path: `${A}.points[1].at`,
    rule: 'points must be in strictly increasing order of at (10), got 5',
  },
  {
    title: 'two schedule points at the same time',
    yaml: schedule({ at: 0, rate: 5 }, { at: 3, rate: 1 }, { at: 3, rate: 2 }),
    path: `${A}.points[2].at`,
    rule: 'points must be in strictly increasing order of at (3), got 3',
  },
  {
    title: 'a schedule whose rates are all 0',
    yaml: schedule({ at: 0, rate: 0 }, { at: 5, rate: 0 }),
    path: `${A}.points`,
    rule: 'points must have at least one positive rate',
  },
  {
    title: 'a schedule point at a negative time',
    yaml: schedule({ at: -1, rate: 5 }),
    path: `${A}.points[0].at`,
    rule: 'at must be a non-negative number, got -1',
  },
  {
    title: 'an unknown schedule interpolation',
    yaml: arrivals({ process: 'schedule', interpolate: 'cubic', points: [{ at: 0, rate: 1 }] }),
    path: `${A}.interpolate`,
    rule: 'interpolate must be one of step, linear, got "cubic"',
  },
  {
    title: 'a closed loop with no users',
    yaml: arrivals({ process: 'closed', users: 0, thinkTime: { dist: 'constant', value: 1 } }),
    path: `${A}.users`,
    rule: 'users must be a positive integer, got 0',
  },
  {
    title: 'a closed loop whose think time is a number',
    yaml: arrivals({ process: 'closed', users: 5, thinkTime: 1 }),
    path: `${A}.thinkTime`,
    rule: 'thinkTime must be a mapping, got 1',
  },
  {
    title: 'a closed loop without a think time',
    yaml: arrivals({ process: 'closed', users: 5 }),
    path: `${A}.thinkTime`,
    rule: 'thinkTime is required',
  },
  // Traces.
  {
    title: 'a trace file that does not exist',
    yaml: trace('missing.csv'),
    path: `${A}.file`,
    rule: 'cannot read the trace file /scenarios/missing.csv (ENOENT)',
  },
  {
    title: 'a trace with the wrong header',
    yaml: trace('header.csv'),
    path: `${A}.file`,
    rule: '/scenarios/header.csv line 1: the header must be "timestamp,tenant,api", got "time,tenant,api"',
  },
  {
    title: 'a trace whose timestamps go back',
    yaml: trace('unsorted.csv'),
    path: `${A}.file`,
    rule: '/scenarios/unsorted.csv line 3: timestamps must not decrease, got 1 after 2',
  },
  {
    title: 'a trace row naming an undefined api',
    yaml: trace('api.csv'),
    path: `${A}.file`,
    rule: '/scenarios/api.csv line 2: api must name a defined api (get), got "put"',
  },
  {
    title: 'a trace with a negative timestamp after a blank line',
    yaml: trace('stamp.csv'),
    path: `${A}.file`,
    rule: '/scenarios/stamp.csv line 4: timestamp must be a non-negative number, got "-1"',
  },
  {
    title: 'a trace row with two fields',
    yaml: trace('fields.csv'),
    path: `${A}.file`,
    rule: '/scenarios/fields.csv line 2: a row must have 3 fields, got 2',
  },
  {
    title: 'a trace with no rows for the tenant',
    yaml: trace('other-api.csv'),
    path: `${A}.file`,
    rule: 'trace /scenarios/other-api.csv has no rows for tenant "t1"',
  },
  {
    title: 'a zero trace time scale',
    yaml: trace('ok.csv', { timeScale: 0 }),
    path: `${A}.timeScale`,
    rule: 'timeScale must be a positive number, got 0',
  },
  // Retry policies on calls.
  {
    title: 'a zero backoff base',
    yaml: edited([...CALL, 'backoff'], { base: 0 }),
    path: 'apis.get.call.backoff.base',
    rule: 'base must be a positive number, got 0',
  },
  {
    title: 'a backoff multiplier below 1',
    yaml: edited([...CALL, 'backoff'], { multiplier: 0.5 }),
    path: 'apis.get.call.backoff.multiplier',
    rule: 'multiplier must be >= 1, got 0.5',
  },
  {
    title: 'a backoff max below its base',
    yaml: edited([...CALL, 'backoff'], { base: 0.1, max: 0.05 }),
    path: 'apis.get.call.backoff.max',
    rule: 'max must be >= base (0.1), got 0.05',
  },
  {
    title: 'an unknown backoff jitter',
    yaml: edited([...CALL, 'backoff'], { jitter: 'half' }),
    path: 'apis.get.call.backoff.jitter',
    rule: 'jitter must be one of none, full, equal, got "half"',
  },
  {
    title: 'a negative retry budget ratio',
    yaml: edited([...CALL, 'calls', 0, 'retryBudget'], { ratio: -0.1 }),
    path: 'apis.get.call.calls[0].retryBudget.ratio',
    rule: 'ratio must be a non-negative number, got -0.1',
  },
  {
    title: 'a negative retry budget floor',
    yaml: edited([...CALL, 'retryBudget'], { minPerSecond: -1 }),
    path: 'apis.get.call.retryBudget.minPerSecond',
    rule: 'minPerSecond must be a non-negative number, got -1',
  },
  {
    title: 'an unknown retry budget key',
    yaml: edited([...CALL, 'retryBudget'], { percent: 20 }),
    path: 'apis.get.call.retryBudget.percent',
    rule: 'unknown key "percent"; allowed keys are ratio, minPerSecond',
  },
  // Tenant clients.
  {
    title: 'a zero client timeout',
    yaml: edited(CLIENT, { timeout: 0 }),
    path: 'tenants.t1.client.timeout',
    rule: 'timeout must be a positive number, got 0',
  },
  {
    title: 'fractional client retries',
    yaml: edited(CLIENT, { retries: 1.5 }),
    path: 'tenants.t1.client.retries',
    rule: 'retries must be a non-negative integer, got 1.5',
  },
  {
    title: 'a client backoff with a string multiplier',
    yaml: edited(CLIENT, { retries: 3, backoff: { multiplier: 'x2' } }),
    path: 'tenants.t1.client.backoff.multiplier',
    rule: 'multiplier must be a finite number, got "x2"',
  },
  {
    title: 'an unknown client key',
    yaml: edited(CLIENT, { hedge: true }),
    path: 'tenants.t1.client.hedge',
    rule: 'unknown key "hedge"; allowed keys are timeout, retries, backoff, retryBudget',
  },
  // Faults.
  {
    title: 'faults that are a mapping',
    yaml: edited(['faults'], { kind: 'crash' }),
    path: 'faults',
    rule: 'faults must be a list, got a mapping',
  },
  {
    title: 'an unknown fault kind',
    yaml: fault({ kind: 'partition', at: 1, duration: 1 }),
    path: 'faults[0].kind',
    rule: 'kind must be one of slowdown, crash, latency, noisy-neighbour, got "partition"',
  },
  {
    title: 'a fault on an undefined service',
    yaml: fault({ kind: 'slowdown', service: 'cache', at: 1, duration: 1, factor: 2 }),
    path: 'faults[0].service',
    rule: 'service must name a defined service (api, db), got "cache"',
  },
  {
    title: 'a crash of a replica past the last',
    yaml: fault({ kind: 'crash', service: 'db', replica: 2, at: 1, duration: 1 }),
    path: 'faults[0].replica',
    rule: 'replica must be an integer in [0, 2) (db has 2), got 2',
  },
  {
    title: 'a crash without a replica',
    yaml: fault({ kind: 'crash', service: 'db', at: 1, duration: 1 }),
    path: 'faults[0].replica',
    rule: 'replica is required',
  },
  {
    title: 'a fault at a negative time',
    yaml: fault({ kind: 'latency', at: -1, duration: 1, add: 0.01 }),
    path: 'faults[0].at',
    rule: 'at must be a non-negative number, got -1',
  },
  {
    title: 'a fault lasting no time',
    yaml: fault({ kind: 'latency', service: 'db', at: 1, duration: 0, add: 0.01 }),
    path: 'faults[0].duration',
    rule: 'duration must be a positive number, got 0',
  },
  {
    title: 'a slowdown by a factor of 0',
    yaml: fault({ kind: 'slowdown', service: 'db', at: 1, duration: 1, factor: 0 }),
    path: 'faults[0].factor',
    rule: 'factor must be a positive number, got 0',
  },
  {
    title: 'a negative added latency',
    yaml: fault({ kind: 'latency', at: 1, duration: 1, add: -0.001 }),
    path: 'faults[0].add',
    rule: 'add must be a non-negative number, got -0.001',
  },
  {
    title: 'a noisy neighbour taking every core',
    yaml: fault({ kind: 'noisy-neighbour', service: 'db', at: 1, duration: 1, cores: 2 }),
    path: 'faults[0].cores',
    rule: 'cores must be less than the 2 cores of a db replica, got 2',
  },
  {
    title: 'a noisy neighbour taking no cores',
    yaml: fault({ kind: 'noisy-neighbour', service: 'db', at: 1, duration: 1, cores: 0 }),
    path: 'faults[0].cores',
    rule: 'cores must be a positive number, got 0',
  },
  {
    title: 'a slowdown with a key of another kind',
    yaml: fault({ kind: 'slowdown', service: 'db', at: 1, duration: 1, factor: 2, cores: 1 }),
    path: 'faults[0].cores',
    rule: 'unknown key "cores"; allowed keys are kind, at, duration, service, factor',
  },
  // Family parameters.
  {
    title: 'a uniform range with a > b',
    yaml: rate({ uniform: [5, 2] }),
    path: `${A}.rate`,
    rule: 'uniform must have a <= b, got [5, 2]',
  },
  {
    title: 'a uniform range of three numbers',
    yaml: rate({ uniform: [1, 2, 3] }),
    path: `${A}.rate`,
    rule: 'uniform must be a list of two numbers [a, b], got 3 values',
  },
  {
    title: 'a uniform range with a string bound',
    yaml: rate({ uniform: [1, 'ten'] }),
    path: `${A}.rate`,
    rule: 'uniform bounds must be finite numbers, got [1, "ten"]',
  },
  {
    title: 'a loguniform range from 0',
    yaml: rate({ loguniform: [0, 10] }),
    path: `${A}.rate`,
    rule: 'loguniform bounds must be positive, got [0, 10]',
  },
  {
    title: 'an int range with a fractional bound',
    yaml: edited(['services', 'db', 'replicas'], { int: [1, 2.5] }),
    path: 'services.db.replicas',
    rule: 'int bounds must be integers, got [1, 2.5]',
  },
  {
    title: 'an empty choice',
    yaml: edited(['tenants', 't1', 'requests'], { choice: [] }),
    path: 'tenants.t1.requests',
    rule: 'choice must list at least one value, got []',
  },
  {
    title: 'a bad range inside an alternative of a choice',
    yaml: rate({ choice: [10, { uniform: [3, 1] }] }),
    path: `${A}.rate.choice[1]`,
    rule: 'uniform must have a <= b, got [3, 1]',
  },
];

for (const c of CASES) {
  test(`a scenario with ${c.title} is rejected naming its field and rule`, () => {
    assert.throws(
      () => parseScenario(c.yaml, FILE, { readText, baseDir: DIR }),
      (e: unknown) => {
        assert.ok(e instanceof InvalidScenarioError, String(e));
        assert.equal(e.code, 'ERR_INVALID_SCENARIO');
        assert.equal(e.file, FILE);
        assert.equal(e.path, c.path);
        assert.equal(e.message, `${FILE}: ${c.rule} at ${c.path}`);
        return true;
      },
    );
  });
}

test('the base scenario of the workload error table is itself valid', () => {
  const s = parseScenario(stringify(base()), FILE);
  assert.equal(s.faults.length, 1);
});

test('a trace in a scenario parsed without a file reader is rejected', () => {
  assert.throws(
    () => parseScenario(trace('ok.csv'), FILE),
    (e: unknown) =>
      e instanceof InvalidScenarioError &&
      e.path === `${A}.file` &&
      e.message === `${FILE}: trace files can only be read from a scenario file at ${A}.file`,
  );
});

test('a sampled family member is validated like a plain scenario', () => {
  assert.throws(
    () => parseScenario(rate({ uniform: [-5, -1] }), FILE),
    (e: unknown) =>
      e instanceof InvalidScenarioError &&
      e.path === `${A}.rate` &&
      /^rate must be a positive number, got -[1-5]/.test(e.message.slice(FILE.length + 2)),
  );
});
