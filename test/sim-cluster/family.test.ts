/** Scenario families: sampling before validation, determinism per seed, and YAML output. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { parseScenario } from '../../sim-cluster/scenario/load.js';
import { isScenarioFamily, sampleScenarioFamily } from '../../sim-cluster/scenario/family.js';
import { scenarioToYaml } from '../../sim-cluster/scenario/to-yaml.js';
import type { Scenario } from '../../sim-cluster/scenario/types.js';

const FAMILY = `name: fam
duration: 10
seed: 4
services:
  a: { replicas: { int: [1, 4] }, workers: 2 }
  b: {}
apis:
  get:
    call: { service: a, work: { dist: exponential, mean: { loguniform: [0.001, 0.1] } } }
  put:
    call: { service: b, work: { dist: constant, value: 0.01 } }
tenants:
  t:
    arrivals: { process: poisson, rate: { uniform: [200, 800] } }
    requests: { choice: [{ get: 1 }, { get: 3, put: 1 }, { put: 1 }] }
    slo: { latency: 0.1, percentile: 99 }
`;

const member = (seed?: number): Scenario =>
  parseScenario(FAMILY, '<inline>', seed === undefined ? {} : { familySeed: seed });

/** The sampled numbers of a member, in one list. */
function sampled(s: Scenario): unknown[] {
  const call = s.apis[0]?.call.work;
  const arrivals = s.tenants[0]?.arrivals;
  return [
    s.services[0]?.replicas,
    call?.dist === 'exponential' ? call.mean : NaN,
    arrivals?.process === 'poisson' ? arrivals.rate : NaN,
    s.tenants[0]?.requests,
  ];
}

test('a document with a family parameter is a family and a plain one is not', () => {
  assert.equal(isScenarioFamily(parse(FAMILY)), true);
  assert.equal(isScenarioFamily(parse(FAMILY.replace('{ uniform: [200, 800] }', '5'))), true);
  const plain = FAMILY.replace('{ int: [1, 4] }', '2')
    .replace('{ loguniform: [0.001, 0.1] }', '0.01')
    .replace('{ uniform: [200, 800] }', '5')
    .replace('{ choice: [{ get: 1 }, { get: 3, put: 1 }, { put: 1 }] }', '{ get: 1 }');
  assert.equal(isScenarioFamily(parse(plain)), false);
});

test('a mapping whose one family keyword holds a scalar is an ordinary value', () => {
  assert.equal(isScenarioFamily({ requests: { choice: 1 } }), false);
});

test('the same family seed samples the same member', () => {
  assert.deepEqual(member(11), member(11));
});

test('different family seeds sample different members', () => {
  const members = [1, 2, 3, 4, 5, 6].map((seed) => JSON.stringify(sampled(member(seed))));
  assert.equal(new Set(members).size, members.length);
});

test('every sample lies in its range or among its choices', () => {
  const mixes = new Set<string>();
  for (let seed = 0; seed < 200; seed++) {
    const [replicas, mean, rate, requests] = sampled(member(seed)) as [
      number,
      number,
      number,
      unknown,
    ];
    assert.ok(Number.isInteger(replicas) && replicas >= 1 && replicas <= 4, `replicas ${replicas}`);
    assert.ok(mean >= 0.001 && mean <= 0.1, `mean ${mean}`);
    assert.ok(rate >= 200 && rate <= 800, `rate ${rate}`);
    mixes.add(JSON.stringify(requests));
  }
  assert.equal(mixes.size, 3);
});

test('int samples reach both inclusive bounds', () => {
  const seen = new Set<number>();
  for (let seed = 0; seed < 200; seed++) seen.add(member(seed).services[0]?.replicas ?? 0);
  assert.deepEqual([...seen].sort(), [1, 2, 3, 4]);
});

test('without a family seed the file seed samples, and the name says which sample', () => {
  const s = member();
  assert.equal(s.name, 'fam#4');
  assert.deepEqual(s, { ...member(4) });
  assert.equal(member(9).name, 'fam#9');
});

test('a plain scenario keeps its name whatever the family seed', () => {
  const plain = FAMILY.replace(/\{ (int|loguniform|uniform|choice): \[.*\] \}/g, (m) =>
    m.startsWith('{ choice') ? '{ get: 1 }' : m.startsWith('{ int') ? '2' : '0.5',
  );
  assert.equal(parseScenario(plain, '<inline>', { familySeed: 3 }).name, 'fam');
});

test('a choice among mappings may itself hold family parameters', () => {
  const nested = FAMILY.replace(
    '{ uniform: [200, 800] }',
    '{ choice: [{ uniform: [1, 2] }, { int: [10, 10] }] }',
  );
  const rates = new Set<number>();
  for (let seed = 0; seed < 50; seed++) {
    const a = parseScenario(nested, '<inline>', { familySeed: seed }).tenants[0]?.arrivals;
    rates.add(a?.process === 'poisson' ? Math.floor(a.rate) : NaN);
  }
  assert.deepEqual([...rates].sort(), [1, 10]);
});

test('a parameter shared through a YAML alias takes one value', () => {
  const raw = { name: 'x', a: { b: 1 }, c: null as unknown, d: null as unknown };
  const shared = { uniform: [0, 1] };
  raw.c = shared;
  raw.d = shared;
  const out = sampleScenarioFamily(raw, 3) as Record<string, unknown>;
  assert.equal(out['c'], out['d']);
  assert.equal(typeof out['c'], 'number');
});

test('sampling leaves the family document unchanged', () => {
  const raw = parse(FAMILY) as unknown;
  const before = JSON.stringify(raw);
  sampleScenarioFamily(raw, 8);
  assert.equal(JSON.stringify(raw), before);
});

/** `s` without its source, for comparing a round trip. */
function sourceless(s: Scenario): Omit<Scenario, 'source'> {
  const { source: _source, ...rest } = s;
  return rest;
}

test('a sampled member printed as YAML parses back to the same scenario', () => {
  const s = member(21);
  assert.deepEqual(sourceless(parseScenario(scenarioToYaml(s), 'printed')), sourceless(s));
});

test('a scenario with every new construct survives the YAML round trip', () => {
  const text = `name: all
duration: 30
warmup: 5
network: { latency: { dist: constant, value: 0.0001 } }
services:
  a: { replicas: 2, workers: 4, cores: 2, queueCapacity: .inf }
  b: { scheduler: wfq, queueCapacity: 10, blocking: false }
apis:
  get:
    call:
      service: a
      work: { dist: exponential, mean: 0.01 }
      postWork: { dist: constant, value: 0.001 }
      timeout: 1
      retries: 2
      backoff: { base: 0.01 }
      retryBudget: {}
      calls:
        - { service: b, work: { dist: constant, value: 0 } }
        - parallel:
            - { service: b, work: { dist: constant, value: 0 } }
            - { service: a, work: { dist: constant, value: 0 } }
tenants:
  p: { arrivals: { process: mmpp, states: [{ rate: 5, meanDuration: 1 }, { rate: 0, meanDuration: 2 }] }, requests: { get: 1 }, slo: { latency: 1, percentile: 50 }, guaranteedRate: 3, weight: 2 }
  q: { arrivals: { process: schedule, interpolate: linear, points: [{ at: 0, rate: 1 }, { at: 9, rate: 3 }] }, requests: { get: 1 }, slo: { latency: 1, percentile: 50 } }
  r: { arrivals: { process: closed, users: 3, thinkTime: { dist: exponential, mean: 1 } }, requests: { get: 1 }, slo: { latency: 1, percentile: 50 }, client: { timeout: 0.5, retries: 1 } }
  s: { arrivals: { process: diurnal, mean: 4, amplitude: 0.3, period: 20 }, requests: { get: 1 }, slo: { latency: 1, percentile: 50 } }
faults:
  - { kind: crash, service: a, replica: 1, at: 2, duration: 3 }
  - { kind: latency, at: 2, duration: 3, add: 0.01 }
`;
  const s = parseScenario(text, 'a');
  assert.deepEqual(sourceless(parseScenario(scenarioToYaml(s), 'b')), sourceless(s));
});
