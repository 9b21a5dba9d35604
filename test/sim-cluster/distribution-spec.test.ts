import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateDistributionSpec } from '../../sim-cluster/distributions.js';
import { InvalidScenarioError } from '../../sim-cluster/errors.js';

const FILE = 'spec.yaml';
const AT = 'apis.get.call.work';

/** Each malformed spec, the path its error must name and the rule its message must state. */
const CASES: { title: string; raw: unknown; path: string; rule: string }[] = [
  { title: 'a scalar', raw: 3, path: AT, rule: 'work must be a mapping, got 3' },
  { title: 'no dist', raw: { mean: 1 }, path: `${AT}.dist`, rule: 'dist is required' },
  {
    title: 'an unknown dist',
    raw: { dist: 'normal', mean: 1 },
    path: `${AT}.dist`,
    rule: 'dist must be one of exponential, constant, uniform, lognormal, gamma, weibull, pareto, mixture, empirical, got "normal"',
  },
  {
    title: 'an unknown key',
    raw: { dist: 'exponential', mean: 1, rate: 2 },
    path: `${AT}.rate`,
    rule: 'unknown key "rate"; allowed keys are dist, mean',
  },
  {
    title: 'a missing parameter',
    raw: { dist: 'lognormal', mean: 1 },
    path: `${AT}.cv`,
    rule: 'cv is required',
  },
  {
    title: 'a string parameter',
    raw: { dist: 'exponential', mean: '0.01' },
    path: `${AT}.mean`,
    rule: 'mean must be a finite number, got "0.01"',
  },
  {
    title: 'a zero exponential mean',
    raw: { dist: 'exponential', mean: 0 },
    path: `${AT}.mean`,
    rule: 'mean must be a positive finite number, got 0',
  },
  {
    title: 'a negative constant',
    raw: { dist: 'constant', value: -1 },
    path: `${AT}.value`,
    rule: 'value must be a non-negative finite number, got -1',
  },
  {
    title: 'a uniform with max below min',
    raw: { dist: 'uniform', min: 2, max: 1 },
    path: `${AT}.max`,
    rule: 'max must be >= min (2), got 1',
  },
  {
    title: 'a negative uniform min',
    raw: { dist: 'uniform', min: -1, max: 1 },
    path: `${AT}.min`,
    rule: 'min must be a non-negative finite number, got -1',
  },
  {
    title: 'a zero lognormal cv',
    raw: { dist: 'lognormal', mean: 1, cv: 0 },
    path: `${AT}.cv`,
    rule: 'cv must be a positive finite number, got 0',
  },
  {
    title: 'a negative gamma mean',
    raw: { dist: 'gamma', mean: -2, cv: 1 },
    path: `${AT}.mean`,
    rule: 'mean must be a positive finite number, got -2',
  },
  {
    title: 'a zero weibull shape',
    raw: { dist: 'weibull', shape: 0, scale: 1 },
    path: `${AT}.shape`,
    rule: 'shape must be a positive finite number, got 0',
  },
  {
    title: 'a pareto with max not above min',
    raw: { dist: 'pareto', alpha: 1.5, min: 1, max: 1 },
    path: `${AT}.max`,
    rule: 'max must be > min (1), got 1',
  },
  {
    title: 'a pareto with zero min',
    raw: { dist: 'pareto', alpha: 1.5, min: 0, max: 1 },
    path: `${AT}.min`,
    rule: 'min must be a positive finite number, got 0',
  },
  {
    title: 'a mixture without components',
    raw: { dist: 'mixture', components: [] },
    path: `${AT}.components`,
    rule: 'components must be a non-empty list, got []',
  },
  {
    title: 'a mixture component with zero weight',
    raw: { dist: 'mixture', components: [{ weight: 0, of: { dist: 'constant', value: 1 } }] },
    path: `${AT}.components[0].weight`,
    rule: 'weight must be a positive finite number, got 0',
  },
  {
    title: 'a bad nested spec',
    raw: {
      dist: 'mixture',
      components: [
        { weight: 1, of: { dist: 'constant', value: 1 } },
        { weight: 1, of: { dist: 'exponential', mean: -3 } },
      ],
    },
    path: `${AT}.components[1].of.mean`,
    rule: 'mean must be a positive finite number, got -3',
  },
  {
    title: 'an unknown component key',
    raw: { dist: 'mixture', components: [{ weight: 1, p: 1, of: { dist: 'constant', value: 1 } }] },
    path: `${AT}.components[0].p`,
    rule: 'unknown key "p"; allowed keys are weight, of',
  },
  {
    title: 'an empty empirical',
    raw: { dist: 'empirical', values: [] },
    path: `${AT}.values`,
    rule: 'values must be a non-empty list, got []',
  },
  {
    title: 'an empirical with a negative value',
    raw: { dist: 'empirical', values: [1, -2] },
    path: `${AT}.values[1]`,
    rule: 'values must be non-negative finite numbers, got -2',
  },
  {
    title: 'an empirical with a non-numeric value',
    raw: { dist: 'empirical', values: [1, 'x'] },
    path: `${AT}.values[1]`,
    rule: 'values[1] must be a finite number, got "x"',
  },
  {
    title: 'an empirical with mismatched weights',
    raw: { dist: 'empirical', values: [1, 2], weights: [1] },
    path: `${AT}.weights`,
    rule: 'weights must have one entry per value (2), got 1',
  },
  {
    title: 'an empirical with a zero weight',
    raw: { dist: 'empirical', values: [1, 2], weights: [1, 0] },
    path: `${AT}.weights[1]`,
    rule: 'weight must be a positive finite number, got 0',
  },
];

for (const c of CASES) {
  test(`a distribution spec with ${c.title} is rejected at its field`, () => {
    assert.throws(
      () => validateDistributionSpec(c.raw, FILE, AT),
      (e: unknown) => {
        assert.ok(e instanceof InvalidScenarioError, String(e));
        assert.equal(e.file, FILE);
        assert.equal(e.path, c.path);
        assert.equal(e.message, `${FILE}: ${c.rule} at ${c.path}`);
        return true;
      },
    );
  });
}

test('a cyclic mixture (via a YAML alias) is rejected instead of recursing forever', () => {
  const cyclic: Record<string, unknown> = { dist: 'mixture' };
  cyclic['components'] = [{ weight: 1, of: cyclic }];
  assert.throws(() => validateDistributionSpec(cyclic, FILE, AT), /nest at most 8 deep/);
});

test('a valid spec is returned with only its own fields', () => {
  assert.deepEqual(validateDistributionSpec({ dist: 'uniform', min: 1, max: 2 }, FILE, AT), {
    dist: 'uniform',
    min: 1,
    max: 2,
  });
  assert.deepEqual(
    validateDistributionSpec({ dist: 'empirical', values: [1, 2], weights: [3, 4] }, FILE, AT),
    { dist: 'empirical', values: [1, 2], weights: [3, 4] },
  );
});
