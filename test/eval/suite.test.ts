import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { bundledSuiteNames, loadSuite, parseSuite } from '../../eval/suite.js';
import { InvalidConfigError } from '../../sim-cluster/errors.js';
import { entryScenario } from '../../eval/run-job.js';

test('the standard suite is bundled and every scenario in it loads', () => {
  assert.ok(bundledSuiteNames().includes('standard'));
  const suite = loadSuite('standard');
  assert.ok(suite.scenarios.length >= 8);
  for (const entry of suite.scenarios) {
    const scenario = entryScenario(entry);
    if (entry.durationSeconds !== undefined) assert.equal(scenario.duration, entry.durationSeconds);
  }
});

test('the standard suite covers every stress issue 8 names and an unseen topology', () => {
  const covers = loadSuite('standard')
    .scenarios.map((s) => s.covers)
    .join(' | ');
  for (const stress of [
    'steady overload',
    'flash crowd',
    'diurnal',
    'noisy neighbour',
    'slow backend',
    'retry storm',
    'tenant churn',
    'unseen topology',
  ]) {
    assert.match(covers, new RegExp(stress), `no scenario covers ${stress}`);
  }
  const names = loadSuite('standard').scenarios.map((s) => s.scenario);
  assert.ok(!names.includes('social-network') && !names.includes('social-network-family'));
});

function errorOf(text: string): InvalidConfigError {
  try {
    parseSuite(text, 'bad.yaml', '/tmp');
  } catch (e) {
    assert.ok(e instanceof InvalidConfigError, String(e));
    return e;
  }
  assert.fail('the suite was accepted');
}

test('a suite error names the file and the offending field', () => {
  const e = errorOf('name: x\nscenarios:\n  - { name: a, scenario: mm1, duration: -5 }\n');
  assert.equal(e.path, 'scenarios[0].duration');
  assert.match(
    e.message,
    /^bad\.yaml: must be a positive number, got -5 at scenarios\[0\]\.duration$/,
  );
});

test('a suite rejects unknown fields, missing scenarios and duplicate names', () => {
  assert.equal(
    errorOf('name: x\nscenarios:\n  - { name: a, scenario: mm1, speed: 2 }\n').path,
    'scenarios[0].speed',
  );
  assert.equal(errorOf('name: x\nscenarios: []\n').path, 'scenarios');
  assert.equal(errorOf('scenarios:\n  - { name: a, scenario: mm1 }\n').path, 'name');
  assert.equal(
    errorOf('name: x\nscenarios:\n  - { name: a, scenario: mm1 }\n  - { name: a, scenario: mm4 }\n')
      .path,
    'scenarios[1].name',
  );
  assert.equal(
    errorOf('name: x\nscenarios:\n  - { name: a, scenario: ./missing.yaml }\n').path,
    'scenarios[0].scenario',
  );
});

test('the held-out stress suites are disjoint from each other and from the pretrained validation members', () => {
  const seedsOf = (name: string) => loadSuite(name).scenarios.map((s) => s.familySeed!);
  const holdout = seedsOf('stress-holdout');
  const fresh = seedsOf('stress-test');
  assert.equal(new Set(holdout).size, 40);
  assert.equal(new Set(fresh).size, 60);
  const validation = new Set(
    readFileSync('training/configs/pretrained.yaml', 'utf8')
      .split('\n')
      .flatMap((l) => /familySeed: (\d+)/.exec(l)?.slice(1) ?? [])
      .map(Number),
  );
  assert.ok(validation.size > 0);
  for (const s of [...holdout, ...fresh]) assert.ok(!validation.has(s), `family seed ${s}`);
  assert.ok(holdout.every((s) => !fresh.includes(s)));
  // Every member is a member of the training family and loads.
  const first = loadSuite('stress-test').scenarios[0]!;
  assert.match(first.scenario, /training\/families\/stress\.yaml$/);
  assert.equal(entryScenario(first).name, 'stress#9201');
});

test('the harsh held-out suite is disjoint from the shielded runs’ harsh validation members and loads', () => {
  const suite = loadSuite('stress-harsh-test');
  const seeds = suite.scenarios.map((s) => s.familySeed!);
  assert.equal(new Set(seeds).size, 60);
  for (const config of ['a', 'b', 'c'].map((r) => `training/configs/shield-${r}.yaml`)) {
    const harsh = readFileSync(config, 'utf8')
      .split('\n')
      .flatMap((l) => /stress-harsh\.yaml, familySeed: (\d+)/.exec(l)?.slice(1) ?? [])
      .map(Number);
    assert.equal(harsh.length, 32, config);
    for (const s of seeds) assert.ok(!harsh.includes(s), `${config}: family seed ${s}`);
  }
  const first = suite.scenarios[0]!;
  assert.match(first.scenario, /training\/families\/stress-harsh\.yaml$/);
  assert.equal(entryScenario(first).name, 'stress-harsh#8601');
});
