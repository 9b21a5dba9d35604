import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuardedPolicy } from '../../controller/guarded-policy.js';
import { loadServedPolicy } from '../../controller/policy-source.js';
import { runCli } from '../cli/run-cli.js';

/** A run small enough for a test: 2 envs × 32 steps per iteration, 20-window episodes. */
export const TINY_CONFIG = `
env: { episodeWindows: 20 }
randomization: { rateScale: [0.5, 2], tenants: [1, 4], faults: { probability: 0.5 } }
numEnvs: 2
ppo: { numSteps: 32, numMinibatches: 2, updateEpochs: 1 }
network: { hidden: 8 }
totalSteps: 256
checkpointEvery: 1
backend: cpu
eval: { every: 128, scenarios: [{ name: calm, scenario: cluster-train, familySeed: 3, seeds: [1] }] }
`;

const dir = mkdtempSync(join(tmpdir(), 'governor-train-config-'));
const config = join(dir, 'tiny.yaml');
writeFileSync(config, TINY_CONFIG);
const run = join(dir, 'run');
const trained = runCli(['train', '--config', config, '--out', run, '--total-steps', '192']);

interface Metric {
  step: number;
  tag: string;
  value: number;
}

test('train --config writes metrics of every family, TensorBoard events and a guarded bundle', async () => {
  assert.equal(trained.code, 0, trained.stderr);
  const metrics = readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Metric);
  for (const prefix of ['losses/', 'charts/', 'eval/'])
    assert.ok(
      metrics.some((m) => m.tag.startsWith(prefix)),
      `no ${prefix} metric`,
    );
  // --total-steps 192 overrides the config's 256: three iterations of 64 steps.
  assert.equal(Math.max(...metrics.map((m) => m.step)), 192);
  assert.deepEqual(
    metrics.filter((m) => m.tag === 'eval/calm/score').map((m) => m.step),
    [64, 192],
  );
  assert.equal(readdirSync(run).filter((f) => f.startsWith('events.out.tfevents.')).length, 1);
  const manifest = JSON.parse(readFileSync(join(run, 'bundle', 'manifest.json'), 'utf8'));
  const ranges = manifest.training.featureRanges as Record<string, { min: number; max: number }>;
  const policy = await loadServedPolicy(join(run, 'bundle'));
  assert.ok(policy instanceof GuardedPolicy);
  for (const name of [
    'tenant.offeredRate',
    'tenant.latencyP99',
    'service.utilization',
    'service.queueLength',
  ]) {
    assert.ok(ranges[name]!.min <= ranges[name]!.max, name);
  }
  assert.ok(ranges['tenant.offeredRate']!.max > 10, 'offered rates were recorded in requests/s');
  assert.equal(Object.keys(ranges).length, 4 + 36);
});

test('export writes the bundle of the latest checkpoint; serve guards with its ranges', async () => {
  const out = join(dir, 'exported');
  const r = runCli(['export', run, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /step 192, 40 feature ranges/);
  const a = JSON.parse(readFileSync(join(run, 'bundle', 'manifest.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.deepEqual(b.training.featureRanges, a.training.featureRanges);
  assert.deepEqual(
    b.files,
    a.files,
    'the same weights and codecs as the bundle written at the end',
  );
  const guarded = (await loadServedPolicy(out)) as GuardedPolicy;
  const p99 = a.training.featureRanges['tenant.latencyP99'];
  assert.deepEqual(
    (guarded as unknown as { options: { ranges: Record<string, unknown> } }).options.ranges[
      'tenant.latencyP99'
    ],
    p99,
  );
});

test('inspect prints what a bundle holds, and fails with exit 2 on a corrupted file', () => {
  const out = join(dir, 'inspected');
  assert.equal(runCli(['export', run, '--out', out]).code, 0);
  const ok = runCli(['inspect', out]);
  assert.equal(ok.code, 0, ok.stderr);
  for (const line of [
    /: OK \(format governor-policy-bundle v1/,
    /network: per-tenant \(8 slots/,
    /knobs: rateLimit, weight, admitProbability/,
    /max tenants: 8/,
    /192 steps of 192/,
    /feature ranges: 40/,
    /weights\.bin {2}[0-9a-f]{64}/,
  ])
    assert.match(ok.stdout, line);
  const weights = join(out, 'weights.bin');
  const bytes = readFileSync(weights);
  bytes[10] = bytes[10]! ^ 0xff;
  writeFileSync(weights, bytes);
  const bad = runCli(['inspect', out]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /weights\.bin: sha256 mismatch, expected [0-9a-f]{64} \(manifest\), got [0-9a-f]{64}/,
  );
  assert.doesNotMatch(bad.stderr, /at .*\.js:\d+/, 'no stack trace');
});

test('a bad config exits 2 naming the file, the field and the value', () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'randomization:\n  tenants: [0, 3]\n');
  const r = runCli(['train', '--config', bad, '--out', join(dir, 'never')]);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr.trim(),
    `governor: ${bad}: tenants must be a list of two integers >= 1 [low, high] with low <= high, got [0, 3] at randomization.tenants`,
  );
});

test('sub-envs in worker threads (with or without callerSteps) train exactly as in-thread ones, feature ranges included', () => {
  const asyncRun = join(dir, 'async');
  const r = runCli([
    'train',
    '--config',
    config,
    '--out',
    asyncRun,
    '--total-steps',
    '192',
    '--vector',
    'async',
    '--workers',
    '2',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const returns = (run: string) =>
    readFileSync(join(run, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Metric)
      .filter((m) => m.tag === 'charts/episodic_return' || m.tag === 'losses/value_loss');
  assert.deepEqual(returns(asyncRun), returns(run));
  const ranges = (run: string) =>
    JSON.parse(readFileSync(join(run, 'bundle', 'manifest.json'), 'utf8')).training.featureRanges;
  assert.deepEqual(ranges(asyncRun), ranges(run));
  // callerSteps: this thread steps sub-env 0 and one worker sub-env 1.
  const callerConfig = join(dir, 'caller.yaml');
  writeFileSync(
    callerConfig,
    `${TINY_CONFIG}vector: { mode: async, workers: 2, callerSteps: true }\n`,
  );
  const callerRun = join(dir, 'caller');
  const c = runCli(['train', '--config', callerConfig, '--out', callerRun, '--total-steps', '192']);
  assert.equal(c.code, 0, c.stderr);
  assert.deepEqual(returns(callerRun), returns(run));
  assert.deepEqual(ranges(callerRun), ranges(run));
});
