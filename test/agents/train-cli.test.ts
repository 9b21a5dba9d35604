import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBundle } from '../../agents/bundle.js';

const main = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

function governor(...args: string[]) {
  return spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 60_000 });
}

test('governor train writes streamed metrics, a checkpoint and a loadable bundle', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'governor-train-')), 'run');
  const r = governor(
    'train',
    '--env',
    'CartPole-v1',
    '--total-steps',
    '128',
    '--seed',
    '3',
    '--out',
    out,
    '--num-envs',
    '2',
    '--num-steps',
    '32',
    '--backend',
    'cpu',
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /tfjs backend: cpu/);
  const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
  const metrics = lines.map((l) => JSON.parse(l) as { step: number; tag: string; value: number });
  const tags = new Set(metrics.map((m) => m.tag));
  for (const tag of [
    'charts/episodic_return',
    'charts/episodic_length',
    'charts/SPS',
    'losses/policy_loss',
    'losses/value_loss',
    'losses/entropy',
    'losses/approx_kl',
    'losses/clipfrac',
    'charts/learning_rate',
  ]) {
    assert.ok(tags.has(tag), `missing ${tag}`);
  }
  // 128 steps with 2 envs x 32 steps per rollout: 2 iterations.
  assert.equal(metrics.filter((m) => m.tag === 'charts/SPS').length, 2);
  for (const m of metrics) assert.ok(m.step > 0 && m.step <= 128);
  const bundle = loadBundle(join(out, 'bundle'));
  assert.equal(bundle.manifest.training.env, 'CartPole-v1');
  assert.equal(bundle.manifest.training.globalStep, 128);
  assert.ok(
    readFileSync(join(out, 'checkpoint', 'manifest.json'), 'utf8').includes('governor-checkpoint'),
  );
});

test('governor train with a malformed step budget exits 2 with one line', () => {
  const r = governor('train', '--env', 'CartPole-v1', '--total-steps', 'lots', '--out', tmpdir());
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'governor: --total-steps must be an integer >= 1, got lots\n');
});

test('governor train with an unknown env exits 2 naming the registered ones', () => {
  const r = governor('train', '--env', 'Nope-v0', '--total-steps', '10', '--out', tmpdir());
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^governor: no env registered as Nope-v0; registered: .*CartPole-v1/);
});
