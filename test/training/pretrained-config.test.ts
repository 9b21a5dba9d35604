import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLearnedPolicy } from '../../agents/learned-policy.js';
import { ClusterEnv } from '../../env/index.js';
import { GovernorError } from '../../sim-cluster/errors.js';
import {
  DEFAULT_PRETRAINED_CONFIG,
  parsePretrainedConfig,
  residualEnvOptions,
} from '../../training/index.js';

const FILE = 'cfg.yaml';
const fails = (text: string, pattern: RegExp) =>
  assert.throws(
    () => parsePretrainedConfig(text, FILE),
    (e: unknown) => e instanceof GovernorError && pattern.test(e.message),
  );

test('the committed pretrained config parses and builds its residual env', () => {
  const config = parsePretrainedConfig(
    readFileSync(DEFAULT_PRETRAINED_CONFIG, 'utf8'),
    DEFAULT_PRETRAINED_CONFIG,
  );
  assert.equal(config.bundle, 'pretrained/governor-pretrained');
  const env = new ClusterEnv(residualEnvOptions(config));
  assert.deepEqual(
    env.base?.map((b) => b.policy),
    ['retro-drf', 'breakwater'],
  );
  assert.deepEqual(env.metadata.knobs, config.knobs);
  env.close();
});

test('bad pretrained configs name the file, the field and the rule', () => {
  fails('totalStep: 5', /cfg\.yaml: unknown field .* at totalStep/);
  fails('totalSteps: ten', /cfg\.yaml: must be a number, got "ten" at totalSteps/);
  fails('totalSteps: 0', /must be a positive integer, got 0 at totalSteps/);
  fails('seed: -1', /must be a non-negative integer, got -1 at seed/);
  fails('ppo: { learningrate: 1 }', /unknown PPO setting .* at ppo\.learningrate/);
  fails('ppo: { gamma: "x" }', /must be a number, got "x" at ppo\.gamma/);
  fails('base: [{ policy: nope }]', /unknown policy 'nope'/);
  fails('base: []', /must name at least one policy/);
  fails('- 1', /must be a mapping, got a list/);
  fails('a: [', /not valid YAML/);
});

const script = 'dist/cli/train-pretrained.js';

test('train:pretrained trains, writes a residual bundle that loads with its base, and a curve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-pretrained-'));
  const config = join(dir, 'tiny.yaml');
  writeFileSync(
    config,
    [
      'scenario: training/families/stress.yaml',
      'episodeWindows: 4',
      'warmupWindows: 1',
      'totalSteps: 16',
      'hidden: 8',
      'ppo: { numEnvs: 2, numSteps: 4, numMinibatches: 2, updateEpochs: 1, hidden: [8] }',
      `out: ${join(dir, 'run')}`,
      `bundle: ${join(dir, 'bundle')}`,
    ].join('\n'),
  );
  const run = spawnSync(process.execPath, [script, '--config', config], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /trained 16 steps/);
  const curve = readFileSync(join(dir, 'run', 'curve.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(curve[0], 'step,episodes,mean_episode_score');
  assert.ok(curve.length >= 2, 'episodes of 4 windows end within 16 steps');
  const policy = loadLearnedPolicy(join(dir, 'bundle'));
  assert.equal(policy.name, 'learned');
  const codec = JSON.parse(readFileSync(join(dir, 'bundle', 'codec.json'), 'utf8'));
  assert.deepEqual(codec.base, [{ policy: 'retro-drf' }, { policy: 'breakwater' }]);
});

test('train:pretrained: a bad config or flag exits 2 with one line and no stack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-pretrained-'));
  const config = join(dir, 'bad.yaml');
  writeFileSync(config, 'hidden: 0\n');
  for (const args of [
    ['--config', config],
    ['--frobnicate'],
    ['--config', join(dir, 'none.yaml')],
  ]) {
    const run = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /at .*\.js:\d+/);
  }
});
