import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { CLUSTER_PPO, loadTrainConfig, parseTrainConfig } from '../../training/config.js';

const parse = (text: string) => parseTrainConfig(text, 'run.yaml', '/tmp');
/** The error message of parsing `text`. */
const error = (text: string) => {
  try {
    parse(text);
  } catch (e) {
    return (e as Error & { code?: string }).code + ' ' + (e as Error).message;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
};

test('an empty config is the default cluster run', () => {
  const c = parse('');
  assert.deepEqual(c.stages, [{ fromStep: 0, randomization: { scenarios: ['cluster-train'] } }]);
  assert.deepEqual(c.ppo, CLUSTER_PPO);
  assert.deepEqual(c.vector, { mode: 'sync', workers: 2, callerSteps: false });
  assert.equal(c.totalSteps, 1_000_000);
  assert.equal(c.eval, null);
});

test('a full config is read field by field; stages inherit the top-level randomisation', () => {
  const c = parse(`
env: { scenario: social-network-family, knobs: [rateLimit, weight], maxTenants: 6, episodeWindows: 50, rejectPenalty: 0.5 }
randomization: { rateScale: [0.5, 2], tenants: [2, 4], faults: { probability: 0.2, kinds: [crash] } }
curriculum:
  - fromStep: 0
    randomization: { rateScale: [0.9, 1.1] }
  - fromStep: 50000
ppo: { learningRate: 0.001, numSteps: 128, numMinibatches: 4, targetKl: 0.02 }
numEnvs: 4
vector: { mode: async, workers: 2, callerSteps: true }
totalSteps: 100000
seed: 7
eval: { every: 10000, scenarios: [{ scenario: cluster-train, familySeed: 3, seeds: [1, 2] }] }
`);
  assert.deepEqual(c.cluster, {
    knobs: ['rateLimit', 'weight'],
    maxTenants: 6,
    episodeWindows: 50,
    rejectPenalty: 0.5,
  });
  const faults = { probability: 0.2, kinds: ['crash'], durationSeconds: [1, 5] };
  assert.deepEqual(c.stages, [
    {
      fromStep: 0,
      randomization: {
        scenarios: ['social-network-family'],
        rateScale: [0.9, 1.1],
        tenants: [2, 4],
        faults,
      },
    },
    {
      fromStep: 50000,
      randomization: {
        scenarios: ['social-network-family'],
        rateScale: [0.5, 2],
        tenants: [2, 4],
        faults,
      },
    },
  ]);
  assert.equal(c.ppo.numEnvs, 4);
  assert.deepEqual(c.vector, { mode: 'async', workers: 2, callerSteps: true });
  assert.equal(c.ppo.learningRate, 0.001);
  assert.equal(c.ppo.targetKl, 0.02);
  assert.equal(c.ppo.gamma, CLUSTER_PPO.gamma);
  assert.deepEqual(c.eval, {
    everySteps: 10000,
    scenarios: [{ name: 'cluster-train', scenario: 'cluster-train', familySeed: 3, seeds: [1, 2] }],
  });
});

test('bad fields are refused naming the file, the field path, the rule and the value', () => {
  const cases: [string, string][] = [
    [
      'randomization: { rateScale: [0, 2] }',
      'run.yaml: rateScale must be a list of two positive numbers [low, high] with low <= high, got [0, 2] at randomization.rateScale',
    ],
    ['randomization: { rateScale: [3, 2] }', 'got [3, 2] at randomization.rateScale'],
    [
      'randomization: { tenants: [1.5, 2] }',
      'tenants must be a list of two integers >= 1 [low, high] with low <= high, got [1.5, 2] at randomization.tenants',
    ],
    [
      'randomization: { mixJitter: 1 }',
      'mixJitter must be in [0, 1), got 1 at randomization.mixJitter',
    ],
    [
      'randomization: { faults: { probability: 0.5, kinds: [meteor] } }',
      'kinds[0] must be one of slowdown, crash, latency, noisy-neighbour, got "meteor" at randomization.faults.kinds[0]',
    ],
    [
      'randomization: { rateSclae: [1, 2] }',
      'unknown key "rateSclae"; allowed keys are scenarios, rateScale',
    ],
    [
      'curriculum: [{ fromStep: 10 }]',
      'the first stage must start at step 0, got 10 at curriculum[0].fromStep',
    ],
    [
      'curriculum: [{ fromStep: 0 }, { fromStep: 0 }]',
      "fromStep must be greater than the previous stage's 0, got 0 at curriculum[1].fromStep",
    ],
    ['ppo: { gamma: 1.5 }', 'gamma must be in [0, 1], got 1.5 at ppo.gamma'],
    [
      'ppo: { numMinibatches: 3 }',
      'numMinibatches must divide the batch numEnvs × numSteps = 2048, got 3 at ppo.numMinibatches',
    ],
    ['numEnvs: 0', 'numEnvs must be a positive integer, got 0 at numEnvs'],
    ['vector: { mode: threads }', 'mode must be one of sync, async, got "threads" at vector.mode'],
    ['vector: { workers: 9 }', 'workers must be at most numEnvs = 8, got 9 at vector.workers'],
    [
      'vector: { callerSteps: 1 }',
      'callerSteps must be true or false, got 1 at vector.callerSteps',
    ],
    ['env: { knobs: [speed] }', 'knobs[0] must be one of rateLimit'],
    ['env: { scenario: ./nope.yaml }', 'no scenario file at /tmp/nope.yaml at env.scenario'],
    ['eval: { every: 100 }', 'scenarios is required at eval.scenarios'],
    ['totalSteps: many', 'totalSteps must be a positive integer, got "many" at totalSteps'],
    ['[1, 2]', 'run.yaml: a training config must be a YAML mapping, got a list'],
    ['a: [', 'run.yaml: not valid YAML'],
  ];
  for (const [text, expected] of cases) {
    const message = error(text);
    assert.ok(message.startsWith('ERR_INVALID_CONFIG run.yaml: '), message);
    assert.ok(message.includes(expected), `${text}\n  got: ${message}\n  want: ${expected}`);
  }
});

test('the documented example config validates, curriculum and all', () => {
  const path = fileURLToPath(new URL('../../../training/configs/example.yaml', import.meta.url));
  const c = loadTrainConfig(path);
  assert.deepEqual(
    c.stages.map((s) => [s.fromStep, s.randomization.rateScale]),
    [
      [0, [0.8, 1.25]],
      [200000, [0.65, 1.6]],
      [500000, [0.5, 2]],
    ],
  );
  assert.equal(c.eval?.scenarios.length, 2);
});
