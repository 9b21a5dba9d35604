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

test('baseRelativeReward: true reaches the env options (and only then)', () => {
  const on = parsePretrainedConfig('baseRelativeReward: true', FILE);
  assert.equal(residualEnvOptions(on).baseRelativeReward, true);
  const off = parsePretrainedConfig('seed: 2', FILE);
  assert.equal('baseRelativeReward' in residualEnvOptions(off), false);
});

test('rateShield reaches the action codec (demandCap defaults to 1); absent, no shield', () => {
  const on = parsePretrainedConfig('rateLoosening: 2\nrateShield: { utilization: 0.9 }', FILE);
  assert.deepEqual(residualEnvOptions(on).action?.residualShield, {
    utilization: 0.9,
    demandCap: 1,
  });
  const env = new ClusterEnv(residualEnvOptions(on));
  assert.deepEqual(env.actionCodec.params.residualShield, { utilization: 0.9, demandCap: 1 });
  env.close();
  const off = parsePretrainedConfig('seed: 2', FILE);
  assert.equal('residualShield' in residualEnvOptions(off).action!, false);
  const moving = parsePretrainedConfig('rateShield: { utilization: 0.9, transfer: asked }', FILE);
  const withTransfer = new ClusterEnv(residualEnvOptions(moving));
  assert.deepEqual(withTransfer.actionCodec.params.residualShield, {
    utilization: 0.9,
    demandCap: 1,
    transfer: 'asked',
  });
  withTransfer.close();
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
  fails('rateCorrection: 1', /must be a finite number > 1, got 1 at rateCorrection/);
  fails('rateLoosening: 0.5', /must be a finite number >= 1, got 0.5 at rateLoosening/);
  fails('rateShield: 0.9', /must be a mapping, got a number at rateShield/);
  fails('rateShield: { utilization: 0.9, cap: 1 }', /unknown field .* at rateShield\.cap/);
  fails(
    'rateShield: { utilization: 0 }',
    /must be a number in \(0, 1\], got 0 at rateShield\.utilization/,
  );
  fails(
    'rateShield: { utilization: 0.9, demandCap: 0.5 }',
    /must be a finite number >= 1, got 0.5 at rateShield\.demandCap/,
  );
  fails(
    'rateShield: { utilization: 0.9, transfer: yes }',
    /must be asked or shortfall, got "yes" at rateShield\.transfer/,
  );
  fails(
    'rateShield: { utilization: 0.9, floor: guaranteed }',
    /must be entitlement or guarantee, got "guaranteed" at rateShield\.floor/,
  );
  fails('weightCorrection: x', /must be a number, got "x" at weightCorrection/);
  fails('baseRelativeReward: 1', /must be a boolean, got 1 at baseRelativeReward/);
  fails('observeBase: yes', /must be a boolean, got "yes" at observeBase/);
  fails('imitation: 5', /must be a mapping, got 5 at imitation/);
  fails('imitation: { step: 5 }', /unknown field .* at imitation\.step/);
  fails('imitation: { steps: 0 }', /must be a positive integer, got 0 at imitation\.steps/);
  fails('imitation: { epochs: 1.5 }', /must be a positive integer, got 1.5 at imitation\.epochs/);
  fails('imitation: { noiseStd: -1 }', /must be a number >= 0, got -1 at imitation\.noiseStd/);
  fails(
    'imitation: { learningRate: 0 }',
    /must be a positive number, got 0 at imitation\.learningRate/,
  );
  fails('validationEvery: -1', /must be a non-negative integer, got -1 at validationEvery/);
  fails('validation: { scenario: x }', /must be a list, got a object at validation/);
  fails('validation: [{ scenario: 3 }]', /at validation\[0\]\.scenario/);
  fails('validation: [{ scenario: x, seed: [1] }]', /unknown field .* at validation\[0\]\.seed/);
  fails('validation: [{ scenario: x, seeds: [] }]', /non-empty list .* at validation\[0\]\.seeds/);
  fails(
    'validation: [{ scenario: x, familySeed: 1 }, { scenario: x, familySeed: 1 }]',
    /must be a unique string, got "x#1" at validation\[1\]\.name/,
  );
});

const script = 'dist/cli/train-pretrained.js';

/**
 * Runs train:pretrained on a tiny config of the stress family (`lines` added to the
 * common ones) in a new directory; returns the directory, the config path and the run.
 */
function trainTiny(lines: readonly string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'governor-pretrained-'));
  const config = join(dir, 'tiny.yaml');
  writeFileSync(
    config,
    [
      'scenario: training/families/stress.yaml',
      'hidden: 8',
      'rateCorrection: 4',
      'weightCorrection: 2',
      'validationEvery: 1',
      'ppo: { numEnvs: 2, numSteps: 4, numMinibatches: 2, updateEpochs: 1, hidden: [8] }',
      `out: ${join(dir, 'run')}`,
      `bundle: ${join(dir, 'bundle')}`,
      ...lines,
    ].join('\n'),
  );
  const run = spawnSync(process.execPath, [script, '--config', config], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return { dir, config, run };
}

test('train:pretrained trains, writes a residual bundle that loads with its base, and a curve', () => {
  const { dir, run } = trainTiny([
    'episodeWindows: 4',
    'warmupWindows: 1',
    'totalSteps: 16',
    'validation: [{ scenario: training/families/stress.yaml, familySeed: 3, seeds: [1, 2] }]',
  ]);
  assert.match(run.stdout, /trained 16 steps/);
  const curve = readFileSync(join(dir, 'run', 'curve.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(curve[0], 'step,episodes,mean_episode_score,validation_score');
  assert.ok(curve.length >= 2, 'episodes of 4 windows end within 16 steps');
  // Validated before training and after each of the 2 iterations (numEnvs × numSteps = 8).
  const validated = curve.slice(1).map((row) => row.split(','));
  assert.deepEqual(
    validated.filter((r) => r[3] !== '').map((r) => r[0]),
    ['0', '8', '16'],
  );
  assert.match(run.stderr, /validation at 0 steps .*\(base alone 0\.\d+; best so far\)/);
  const policy = loadLearnedPolicy(join(dir, 'bundle'));
  assert.equal(policy.name, 'learned');
  const codec = JSON.parse(readFileSync(join(dir, 'bundle', 'codec.json'), 'utf8'));
  assert.deepEqual(codec.base, [{ policy: 'retro-drf' }, { policy: 'breakwater' }]);
  assert.equal(codec.action.residualRateBase, 4);
  assert.equal(codec.action.residualWeightBase, 2);
  // The bundle is the best-validated policy, and records the feature ranges of the run.
  const training = JSON.parse(readFileSync(join(dir, 'bundle', 'manifest.json'), 'utf8')).training;
  const best = Math.max(...validated.filter((r) => r[3] !== '').map((r) => Number(r[3])));
  assert.ok(Math.abs(training.validationScore - best) < 1e-5);
  assert.ok(validated.some((r) => Number(r[0]) === training.globalStep && r[3] !== ''));
  assert.equal(typeof training.baseValidationScore, 'number');
  assert.ok(training.featureRangeEpisodes >= 2, 'the episodes of 4 windows that ended');
  const ranges = training.featureRanges as Record<string, { min: number; max: number }>;
  assert.ok(ranges['tenant.offeredRate']!.max > 0);
  assert.ok(ranges['observation.global.window/score']!.max <= 1);
  for (const r of Object.values(ranges)) assert.ok(r.min <= r.max);
  const inspect = spawnSync(
    process.execPath,
    ['dist/cli/main.js', 'inspect', join(dir, 'bundle')],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(inspect.status, 0, inspect.stderr);
  assert.match(inspect.stdout, /feature ranges: [1-9]\d*/);
  assert.match(
    inspect.stdout,
    /residual over: retro-drf \+ breakwater; corrections: rate limit × 4\^a, weight × 2\^a/,
  );
  assert.match(inspect.stdout, /selected by validation: score 0\.\d{4} \(base alone 0\.\d{4}\)/);
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

test('the committed pretrained bundle records its feature ranges and verifies', () => {
  const dir = 'pretrained/governor-pretrained';
  const training = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).training;
  const ranges = training.featureRanges as Record<string, { min: number; max: number }>;
  // The guard's raw features (controller/policy-source.ts reads them) and codec features.
  for (const name of ['tenant.offeredRate', 'tenant.latencyP99', 'service.utilization'])
    assert.ok(ranges[name]!.min <= ranges[name]!.max, name);
  assert.ok(Object.keys(ranges).some((k) => k.startsWith('observation.tenant.')));
  assert.ok(training.featureRangeEpisodes > 100);
  const inspect = spawnSync(process.execPath, ['dist/cli/main.js', 'inspect', dir], {
    encoding: 'utf8',
  });
  assert.equal(inspect.status, 0, inspect.stderr);
  assert.match(inspect.stdout, /: OK /);
  assert.match(
    inspect.stdout,
    /corrections: rate limit × 4\^a for a < 0, × 2\^a for a > 0 \(loosening shielded: .*; tightening never below the guarantee\)\n/,
  );
  assert.match(
    inspect.stdout,
    /observes the base's decision; warm-started by imitating the guarantee-share rule \(8192 windows, 30 epochs\)/,
  );
});

test('train:pretrained with observeBase and an imitation warm start writes a bundle that sees the base', () => {
  const { dir, config, run } = trainTiny([
    'episodeWindows: 6',
    'warmupWindows: 2',
    'totalSteps: 8',
    'observeBase: true',
    'imitation: { steps: 48, epochs: 3, minibatchSize: 16 }',
    'validation: [{ scenario: training/families/stress.yaml, familySeed: 3, seeds: [1] }]',
  ]);
  assert.match(run.stderr, /imitation: 48 windows of the guarantee-share rule/);
  const fit = /masked squared error ([\d.]+) → ([\d.]+) after 3 epochs/.exec(run.stderr);
  assert.ok(fit !== null, run.stderr);
  assert.ok(Number(fit[2]) < Number(fit[1]), `imitation lowered the error: ${fit[0]}`);
  const codec = JSON.parse(readFileSync(join(dir, 'bundle', 'codec.json'), 'utf8'));
  assert.equal(codec.observation.baseFeatures, true);
  const metrics = readFileSync(join(dir, 'run', 'metrics.jsonl'), 'utf8');
  assert.equal((metrics.match(/"imitation\/loss"/g) ?? []).length, 3);
  const inspect = spawnSync(
    process.execPath,
    ['dist/cli/main.js', 'inspect', join(dir, 'bundle')],
    {
      encoding: 'utf8',
    },
  );
  assert.match(
    inspect.stdout,
    /observes the base's decision; warm-started by imitating the guarantee-share rule \(48 windows, 3 epochs\)/,
  );
  // The policy decides as in training: the base first, its decision in the observation.
  const policy = loadLearnedPolicy(join(dir, 'bundle'));
  const env = new ClusterEnv(
    residualEnvOptions(parsePretrainedConfig(readFileSync(config, 'utf8'), config)),
  );
  env.reset({ seed: 1 });
  const decision = policy.decide(env.lastSignals!);
  assert.ok(decision.tenants !== undefined);
  env.close();
});
