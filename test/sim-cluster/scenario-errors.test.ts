import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { parseScenario } from '../../sim-cluster/scenario/load.js';
import { InvalidScenarioError } from '../../sim-cluster/errors.js';

const FILE = 'bad.yaml';

/** A small valid scenario that each case breaks in one place. */
function base(): Record<string, unknown> {
  return {
    name: 'base',
    duration: 10,
    services: { api: { workers: 2 }, db: {} },
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

/** A chain of `depth` nested calls, each calling the next. */
function chain(depth: number): unknown {
  let call: Record<string, unknown> = { service: 'db', work: { dist: 'constant', value: 0 } };
  for (let i = 1; i < depth; i++) call = { ...call, calls: [call] };
  return call;
}

const CYCLIC = `name: cyclic
duration: 10
services: { api: {} }
apis:
  get:
    call: &root
      service: api
      work: { dist: exponential, mean: 0.01 }
      calls: [*root]
tenants:
  t1:
    arrivals: { process: poisson, rate: 10 }
    requests: { get: 1 }
    slo: { latency: 0.1, percentile: 99 }
`;

/** A "billion laughs" document: each level aliases the previous one ten times. */
const ALIAS_BOMB = Array.from({ length: 8 }, (_, i) =>
  i === 0
    ? 'a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]'
    : `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
).join('\n');

const CALL = ['apis', 'get', 'call'];
const T1 = ['tenants', 't1'];
const OK_CALL = { service: 'db', work: { dist: 'constant', value: 0 } };

const CASES: { title: string; yaml: string; path: string; rule: string }[] = [
  {
    title: 'a YAML syntax error',
    yaml: 'name: x\nservices: {a: [1, 2}\n',
    path: '',
    rule: 'YAML syntax error at line 2, column 20: Flow sequence in block collection must be sufficiently indented and end with a ]',
  },
  {
    title: 'a duplicate YAML key',
    yaml: 'name: x\nname: y\n',
    path: '',
    rule: 'YAML syntax error at line 2, column 1: Map keys must be unique',
  },
  {
    title: 'an alias bomb',
    yaml: ALIAS_BOMB,
    path: '',
    rule: 'YAML cannot be expanded: Excessive alias count indicates a resource exhaustion attack',
  },
  {
    title: 'a list at the top',
    yaml: '- a\n',
    path: '',
    rule: 'scenario must be a mapping, got a list',
  },
  {
    title: 'an unknown top-level key',
    yaml: edited(['durations'], 5),
    path: 'durations',
    rule: 'unknown key "durations"; allowed keys are name, duration, warmup, seed, controlInterval, network, services, apis, tenants, faults',
  },
  { title: 'no name', yaml: edited(['name'], undefined), path: 'name', rule: 'name is required' },
  {
    title: 'a numeric name',
    yaml: edited(['name'], 3),
    path: 'name',
    rule: 'name must be a non-empty string, got 3',
  },
  {
    title: 'a zero duration',
    yaml: edited(['duration'], 0),
    path: 'duration',
    rule: 'duration must be a positive number, got 0',
  },
  {
    title: 'a negative warmup',
    yaml: edited(['warmup'], -1),
    path: 'warmup',
    rule: 'warmup must be a non-negative number, got -1',
  },
  {
    title: 'a fractional seed',
    yaml: edited(['seed'], 1.5),
    path: 'seed',
    rule: 'seed must be a non-negative integer, got 1.5',
  },
  {
    title: 'a zero control interval',
    yaml: edited(['controlInterval'], 0),
    path: 'controlInterval',
    rule: 'controlInterval must be a positive number, got 0',
  },
  {
    title: 'an unknown network key',
    yaml: edited(['network'], { jitter: 1 }),
    path: 'network.jitter',
    rule: 'unknown key "jitter"; allowed keys are latency',
  },
  {
    title: 'an unknown network latency distribution',
    yaml: edited(['network'], { latency: { dist: 'normal' } }),
    path: 'network.latency.dist',
    rule: 'dist must be one of exponential, constant, uniform, lognormal, gamma, weibull, pareto, mixture, empirical, got "normal"',
  },
  {
    title: 'no services',
    yaml: edited(['services'], {}),
    path: 'services',
    rule: 'services must define at least one service',
  },
  {
    title: 'a service name with a space',
    yaml: edited(['services', 'bad name'], {}),
    path: 'services.bad name',
    rule: 'service name must match /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, got "bad name"',
  },
  {
    title: 'a service that is a list',
    yaml: edited(['services', 'api'], [1]),
    path: 'services.api',
    rule: 'api must be a mapping, got a list',
  },
  {
    title: 'zero workers',
    yaml: edited(['services', 'api', 'workers'], 0),
    path: 'services.api.workers',
    rule: 'workers must be a positive integer, got 0',
  },
  {
    title: 'fractional workers',
    yaml: edited(['services', 'api', 'workers'], 1.5),
    path: 'services.api.workers',
    rule: 'workers must be a positive integer, got 1.5',
  },
  {
    title: 'replicas given as a string',
    yaml: edited(['services', 'api', 'replicas'], '2'),
    path: 'services.api.replicas',
    rule: 'replicas must be a positive integer, got "2"',
  },
  {
    title: 'negative cores',
    yaml: edited(['services', 'api', 'cores'], -1),
    path: 'services.api.cores',
    rule: 'cores must be a positive number, got -1',
  },
  {
    title: 'a non-boolean blocking',
    yaml: edited(['services', 'api', 'blocking'], 'yes'),
    path: 'services.api.blocking',
    rule: 'blocking must be true or false, got "yes"',
  },
  {
    title: 'an unknown scheduler',
    yaml: edited(['services', 'api', 'scheduler'], 'lifo'),
    path: 'services.api.scheduler',
    rule: 'scheduler must be one of fifo, priority, wfq, drr, 2dfq, edf, got "lifo"',
  },
  {
    title: 'a negative queue capacity',
    yaml: edited(['services', 'api', 'queueCapacity'], -5),
    path: 'services.api.queueCapacity',
    rule: 'queueCapacity must be a non-negative integer, got -5',
  },
  {
    title: 'an unknown load balancer',
    yaml: edited(['services', 'api', 'loadBalancer'], 'hash'),
    path: 'services.api.loadBalancer',
    rule: 'loadBalancer must be one of round-robin, random, least-outstanding, power-of-two, got "hash"',
  },
  {
    title: 'an unknown service key',
    yaml: edited(['services', 'api', 'threads'], 4),
    path: 'services.api.threads',
    rule: 'unknown key "threads"; allowed keys are replicas, workers, cores, blocking, scheduler, queueCapacity, loadBalancer',
  },
  {
    title: 'no apis',
    yaml: edited(['apis'], {}),
    path: 'apis',
    rule: 'apis must define at least one api',
  },
  {
    title: 'an api without a call',
    yaml: edited(['apis', 'get', 'call'], undefined),
    path: 'apis.get.call',
    rule: 'call is required',
  },
  {
    title: 'a call to an undefined service',
    yaml: edited([...CALL, 'service'], 'cache'),
    path: 'apis.get.call.service',
    rule: 'service must name a defined service (api, db), got "cache"',
  },
  {
    title: 'a call without work',
    yaml: edited([...CALL, 'work'], undefined),
    path: 'apis.get.call.work',
    rule: 'work is required',
  },
  {
    title: 'an unknown call key',
    yaml: edited([...CALL, 'then'], []),
    path: 'apis.get.call.then',
    rule: 'unknown key "then"; allowed keys are service, work, postWork, calls, timeout, retries, backoff, retryBudget',
  },
  {
    title: 'a negative mean in a child call',
    yaml: edited([...CALL, 'calls', 0, 'work'], { dist: 'exponential', mean: -1 }),
    path: 'apis.get.call.calls[0].work.mean',
    rule: 'mean must be a positive finite number, got -1',
  },
  {
    title: 'a zero mean in a parallel call',
    yaml: edited(
      [...CALL, 'calls'],
      [{ parallel: [OK_CALL, { service: 'db', work: { dist: 'exponential', mean: 0 } }] }],
    ),
    path: 'apis.get.call.calls[0].parallel[1].work.mean',
    rule: 'mean must be a positive finite number, got 0',
  },
  {
    title: 'an empty parallel list',
    yaml: edited([...CALL, 'calls'], [{ parallel: [] }]),
    path: 'apis.get.call.calls[0].parallel',
    rule: 'parallel must be a non-empty list, got []',
  },
  {
    title: 'a parallel element with a call key beside it',
    yaml: edited([...CALL, 'calls'], [{ parallel: [OK_CALL], service: 'db' }]),
    path: 'apis.get.call.calls[0].service',
    rule: 'unknown key "service"; allowed keys are parallel',
  },
  {
    title: 'calls that are not a list',
    yaml: edited([...CALL, 'calls'], OK_CALL),
    path: 'apis.get.call.calls',
    rule: 'calls must be a list, got a mapping',
  },
  {
    title: 'a zero timeout',
    yaml: edited([...CALL, 'timeout'], 0),
    path: 'apis.get.call.timeout',
    rule: 'timeout must be a positive number, got 0',
  },
  {
    title: 'negative retries',
    yaml: edited([...CALL, 'retries'], -1),
    path: 'apis.get.call.retries',
    rule: 'retries must be a non-negative integer, got -1',
  },
  {
    title: 'a bad postWork',
    yaml: edited([...CALL, 'postWork'], { dist: 'uniform', min: 3, max: 1 }),
    path: 'apis.get.call.postWork.max',
    rule: 'max must be >= min (3), got 1',
  },
  {
    title: 'a call tree 33 calls deep',
    yaml: edited(['apis', 'get', 'call'], chain(33)),
    path: `apis.get.call${'.calls[0]'.repeat(32)}`,
    rule: 'call trees may be at most 32 calls deep, got depth 33',
  },
  {
    title: 'a cyclic call tree through a YAML alias',
    yaml: CYCLIC,
    path: 'apis.get.call.calls[0]',
    rule: 'call tree is cyclic: this call contains itself (through a YAML alias)',
  },
  {
    title: 'no tenants',
    yaml: edited(['tenants'], undefined),
    path: 'tenants',
    rule: 'tenants is required',
  },
  {
    title: 'an unknown arrival process',
    yaml: edited([...T1, 'arrivals', 'process'], 'bursty'),
    path: 'tenants.t1.arrivals.process',
    rule: 'process must be one of poisson, deterministic, mmpp, diurnal, schedule, trace, closed, got "bursty"',
  },
  {
    title: 'a zero arrival rate',
    yaml: edited([...T1, 'arrivals', 'rate'], 0),
    path: 'tenants.t1.arrivals.rate',
    rule: 'rate must be a positive number, got 0',
  },
  {
    title: 'an empty request mix',
    yaml: edited([...T1, 'requests'], {}),
    path: 'tenants.t1.requests',
    rule: 'requests must define at least one api',
  },
  {
    title: 'a request for an undefined api',
    yaml: edited([...T1, 'requests', 'put'], 1),
    path: 'tenants.t1.requests.put',
    rule: 'requests must name defined apis (get), got "put"',
  },
  {
    title: 'a zero request weight',
    yaml: edited([...T1, 'requests', 'get'], 0),
    path: 'tenants.t1.requests.get',
    rule: 'get must be a positive number, got 0',
  },
  {
    title: 'an SLO percentile of 0',
    yaml: edited([...T1, 'slo', 'percentile'], 0),
    path: 'tenants.t1.slo.percentile',
    rule: 'percentile must be in (0, 100], got 0',
  },
  {
    title: 'an SLO percentile above 100',
    yaml: edited([...T1, 'slo', 'percentile'], 100.5),
    path: 'tenants.t1.slo.percentile',
    rule: 'percentile must be in (0, 100], got 100.5',
  },
  {
    title: 'an SLO without a latency',
    yaml: edited([...T1, 'slo', 'latency'], undefined),
    path: 'tenants.t1.slo.latency',
    rule: 'latency is required',
  },
  {
    title: 'a negative guaranteed rate',
    yaml: edited([...T1, 'guaranteedRate'], -1),
    path: 'tenants.t1.guaranteedRate',
    rule: 'guaranteedRate must be a non-negative number, got -1',
  },
  {
    title: 'a zero tenant weight',
    yaml: edited([...T1, 'weight'], 0),
    path: 'tenants.t1.weight',
    rule: 'weight must be a positive number, got 0',
  },
  {
    title: 'a tenant name starting with a dash',
    yaml: edited(['tenants', '-t2'], {}),
    path: 'tenants.-t2',
    rule: 'tenant name must match /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, got "-t2"',
  },
];

for (const c of CASES) {
  test(`a scenario with ${c.title} is rejected naming its field and rule`, () => {
    assert.throws(
      () => parseScenario(c.yaml, FILE),
      (e: unknown) => {
        assert.ok(e instanceof InvalidScenarioError, String(e));
        assert.equal(e.code, 'ERR_INVALID_SCENARIO');
        assert.equal(e.file, FILE);
        assert.equal(e.path, c.path);
        assert.equal(e.message, `${FILE}: ${c.rule}${c.path === '' ? '' : ` at ${c.path}`}`);
        return true;
      },
    );
  });
}

test('the base scenario of the error table is itself valid', () => {
  assert.equal(parseScenario(stringify(base()), FILE).name, 'base');
});

test('a call tree exactly 32 calls deep is accepted', () => {
  const s = parseScenario(edited(['apis', 'get', 'call'], chain(32)), FILE);
  let depth = 1;
  for (let call = s.apis[0]?.call; call?.steps[0]?.[0] !== undefined; call = call.steps[0][0]) {
    depth++;
  }
  assert.equal(depth, 32);
});

test('a call reused through a YAML alias without a cycle is accepted', () => {
  const yaml = CYCLIC.replace('calls: [*root]', 'calls: []').replace(
    '    requests: { get: 1 }',
    '    requests: { get: 1, again: 1 }',
  );
  const s = parseScenario(yaml.replace('tenants:\n', '  again: { call: *root }\ntenants:\n'), FILE);
  assert.equal(s.apis.length, 2);
});
