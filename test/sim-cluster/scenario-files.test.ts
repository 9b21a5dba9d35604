import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  bundledScenarioNames,
  bundledScenarioPath,
  loadScenarioFile,
  resolveScenario,
} from '../../sim-cluster/scenario/load.js';
import type { CallSpec, Scenario } from '../../sim-cluster/scenario/types.js';
import { InvalidScenarioError } from '../../sim-cluster/errors.js';

/** The contract folder `shared/scenarios/`, a sibling of the repository (from dist/test/sim-cluster/). */
const CONTRACT_DIR = fileURLToPath(new URL('../../../../shared/scenarios/', import.meta.url));
const CONTRACT_FILES = readdirSync(CONTRACT_DIR).filter((f) => f.endsWith('.yaml'));

function contract(name: string): Scenario {
  return loadScenarioFile(join(CONTRACT_DIR, `${name}.yaml`));
}

/** The services called at each step of a call, e.g. [['text', 'user'], ['storage']]. */
function stepServices(call: CallSpec): string[][] {
  return call.steps.map((step) => step.map((c) => c.service));
}

function service(s: Scenario, name: string) {
  const found = s.services.find((x) => x.name === name);
  assert.ok(found, `no service ${name}`);
  return found;
}

test('the contract folder holds (at least) the four contract scenarios', () => {
  for (const file of ['fanout.yaml', 'mm4.yaml', 'tandem.yaml', 'two-tenants.yaml']) {
    assert.ok(CONTRACT_FILES.includes(file), `missing ${file}`);
  }
});

for (const file of CONTRACT_FILES) {
  test(`contract scenario ${file} loads with its source and name`, () => {
    const s = loadScenarioFile(join(CONTRACT_DIR, file));
    assert.equal(s.name, file.replace(/\.yaml$/, ''));
    assert.equal(s.source, join(CONTRACT_DIR, file));
  });
}

test('mm4 is one 4-worker, 4-core FIFO station with Poisson arrivals at 320/s', () => {
  const s = contract('mm4');
  assert.deepEqual(s.services, [
    {
      name: 'api',
      replicas: 1,
      workers: 4,
      cores: 4,
      blocking: true,
      scheduler: 'fifo',
      queueCapacity: Infinity,
      loadBalancer: 'round-robin',
    },
  ]);
  assert.deepEqual(s.tenants[0]?.arrivals, { process: 'poisson', rate: 320 });
  assert.deepEqual(s.apis[0]?.call, {
    service: 'api',
    work: { dist: 'exponential', mean: 0.01 },
    steps: [],
    retries: 0,
  });
});

test('mm4 gets the top-level and tenant defaults filled in', () => {
  const s = contract('mm4');
  assert.equal(s.duration, 2000);
  assert.equal(s.warmup, 100);
  assert.equal(s.seed, 7);
  assert.equal(s.controlInterval, 1);
  assert.deepEqual(s.network, {});
  assert.deepEqual(s.tenants, [
    {
      name: 't1',
      arrivals: { process: 'poisson', rate: 320 },
      requests: [{ api: 'get', weight: 1 }],
      slo: { latency: 0.05, percentile: 99 },
      weight: 1,
    },
  ]);
});

test('tandem has a non-blocking front and a blocking back, one worker each', () => {
  const s = contract('tandem');
  assert.equal(service(s, 'front').blocking, false);
  assert.equal(service(s, 'back').blocking, true);
  assert.deepEqual(stepServices(s.apis[0]?.call as CallSpec), [['back']]);
});

test('fanout has nine services and a frontend with 2 replicas, 16 workers and 2 cores', () => {
  const s = contract('fanout');
  assert.equal(s.services.length, 9);
  const frontend = service(s, 'frontend');
  assert.equal(frontend.replicas, 2);
  assert.equal(frontend.workers, 16);
  assert.equal(frontend.cores, 2);
  assert.equal(service(s, 'text').replicas, 1);
});

test('fanout compose-post calls compose, which fans out in two parallel phases', () => {
  const s = contract('fanout');
  const post = s.apis.find((a) => a.name === 'compose-post');
  assert.ok(post);
  assert.deepEqual(stepServices(post.call), [['compose']]);
  const compose = post.call.steps[0]?.[0] as CallSpec;
  assert.deepEqual(stepServices(compose), [
    ['text', 'user', 'media', 'uniqueid'],
    ['storage', 'timeline'],
  ]);
  const text = compose.steps[0]?.[0] as CallSpec;
  assert.deepEqual(stepServices(text), [['urlshort']]);
  assert.deepEqual(compose.steps[1]?.[0]?.work, { dist: 'lognormal', mean: 0.002, cv: 1 });
});

test('fanout tenants keep their request mixes and weights in file order', () => {
  const s = contract('fanout');
  assert.deepEqual(
    s.tenants.map((t) => [t.name, t.requests, t.weight]),
    [
      [
        'web',
        [
          { api: 'compose-post', weight: 1 },
          { api: 'read-timeline', weight: 9 },
        ],
        2,
      ],
      [
        'batch',
        [
          { api: 'compose-post', weight: 3 },
          { api: 'read-timeline', weight: 1 },
        ],
        1,
      ],
    ],
  );
});

test('two-tenants uses WFQ with a 2000-request queue, and gold is entitled to 600/s at weight 3', () => {
  const s = contract('two-tenants');
  const store = service(s, 'store');
  assert.equal(store.scheduler, 'wfq');
  assert.equal(store.queueCapacity, 2000);
  const gold = s.tenants.find((t) => t.name === 'gold');
  assert.equal(gold?.guaranteedRate, 600);
  assert.equal(gold?.weight, 3);
  const bronze = s.tenants.find((t) => t.name === 'bronze');
  assert.equal(bronze?.guaranteedRate, undefined);
  assert.equal(bronze?.weight, 1);
});

test('the bundled scenarios include the four contract copies plus mm1 and ps', () => {
  const names = bundledScenarioNames();
  for (const name of ['fanout', 'mm1', 'mm4', 'ps', 'tandem', 'two-tenants']) {
    assert.ok(names.includes(name), name);
  }
  assert.deepEqual(names, [...names].sort());
});

for (const file of ['fanout.yaml', 'mm4.yaml', 'tandem.yaml', 'two-tenants.yaml']) {
  test(`the bundled copy of ${file} is the contract file under a two-line header`, () => {
    const name = file.replace(/\.yaml$/, '');
    const bundled = readFileSync(bundledScenarioPath(name), 'utf8').split('\n');
    assert.match(bundled[0] ?? '', /mirrors the contract/);
    assert.equal(bundled.slice(2).join('\n'), readFileSync(join(CONTRACT_DIR, file), 'utf8'));
  });
}

for (const name of ['fanout', 'mm1', 'mm4', 'ps', 'tandem', 'two-tenants']) {
  test(`bundled scenario ${name} resolves by name with the name as its source`, () => {
    const s = resolveScenario(name);
    assert.equal(s.name, name);
    assert.equal(s.source, name);
  });
}

test('bundled mm1 is one worker at load 0.7', () => {
  const s = resolveScenario('mm1');
  const api = service(s, 'api');
  assert.equal(api.workers, 1);
  const work = s.apis[0]?.call.work;
  assert.equal(work?.dist, 'exponential');
  const arrivals = s.tenants[0]?.arrivals;
  const rate = arrivals?.process === 'poisson' ? arrivals.rate : 0;
  const rho = rate * (work?.dist === 'exponential' ? work.mean : 0);
  assert.ok(Math.abs(rho - 0.7) < 1e-12, `rho ${rho}`);
});

test('bundled ps is one replica with 8 workers sharing 1 core, exponential work', () => {
  const s = resolveScenario('ps');
  const api = service(s, 'api');
  assert.deepEqual([api.replicas, api.workers, api.cores], [1, 8, 1]);
  assert.equal(s.apis[0]?.call.work.dist, 'exponential');
});

test('resolveScenario prefers an existing path and records it as the source', () => {
  const path = join(CONTRACT_DIR, 'mm4.yaml');
  assert.equal(resolveScenario(path).source, path);
});

test('resolveScenario names the bundled scenarios when nothing matches', () => {
  assert.throws(
    () => resolveScenario('no-such-scenario'),
    (e: unknown) =>
      e instanceof InvalidScenarioError &&
      e.message ===
        `no-such-scenario: no scenario file or bundled scenario named "no-such-scenario" (bundled: ${bundledScenarioNames().join(', ')})`,
  );
});

test('loading a missing file reports the file and the system error code', () => {
  assert.throws(
    () => loadScenarioFile('/nonexistent/x.yaml'),
    (e: unknown) =>
      e instanceof InvalidScenarioError &&
      e.message === '/nonexistent/x.yaml: cannot read the scenario file (ENOENT)',
  );
});
