import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createActorCritic } from '../../agents/actor-critic.js';
import { loadBundle, saveBundle } from '../../agents/bundle.js';
import type { NetworkSpec } from '../../agents/network-spec.js';
import { BundleError } from '../../sim-cluster/errors.js';
import { RngStream } from '../../sim-cluster/rng.js';

await tf.setBackend('cpu');

const spec: NetworkSpec = {
  kind: 'mlp',
  observationDim: 3,
  action: { kind: 'continuous', dim: 1 },
  hidden: [8, 8],
};
const codec = { features: ['cos', 'sin', 'omega'], scale: [1, 1, 8] };

function freshBundle(): { dir: string; net: ReturnType<typeof createActorCritic> } {
  const root = mkdtempSync(join(tmpdir(), 'governor-bundle-'));
  const dir = join(root, 'policy');
  const net = createActorCritic(spec, new RngStream(4, 'init'));
  saveBundle(dir, net, codec, { env: 'Pendulum-v1', steps: 1000 });
  return { dir, net };
}

function rejectsWith(dir: string, pattern: RegExp) {
  assert.throws(
    () => loadBundle(dir),
    (e: unknown) => {
      assert.ok(e instanceof BundleError, `not a BundleError: ${String(e)}`);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

function editManifest(dir: string, edit: (m: Record<string, unknown>) => void) {
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(m);
  writeFileSync(path, JSON.stringify(m));
}

test('a loaded bundle computes what the saved network computed', () => {
  const { dir, net } = freshBundle();
  const loaded = loadBundle(dir);
  const obs = tf.tensor2d([[0.5, -0.5, 2]]);
  const a = net.forward(obs);
  const b = loaded.network.forward(obs);
  if (a.dist.kind !== 'gaussian' || b.dist.kind !== 'gaussian')
    throw new Error('expected gaussian');
  assert.deepEqual(b.dist.mean.dataSync(), a.dist.mean.dataSync());
  assert.deepEqual(b.value.dataSync(), a.value.dataSync());
  assert.deepEqual(loaded.codec, codec);
  assert.equal(loaded.manifest.training.env, 'Pendulum-v1');
});

test('the manifest records versions and a sha256 for every other file', () => {
  const { dir } = freshBundle();
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.equal(m.formatVersion, 1);
  assert.equal(m.governorVersion, JSON.parse(readFileSync('package.json', 'utf8')).version);
  assert.equal(m.tfjsVersion, tf.version.tfjs);
  assert.deepEqual(Object.keys(m.files).sort(), ['codec.json', 'weights.bin', 'weights.json']);
  for (const hash of Object.values(m.files)) assert.match(String(hash), /^[0-9a-f]{64}$/);
});

test('a tampered weight file is named with its expected and actual sha256', () => {
  const { dir } = freshBundle();
  const path = join(dir, 'weights.bin');
  const bytes = readFileSync(path);
  bytes[10] = bytes[10]! ^ 0xff;
  writeFileSync(path, bytes);
  const expected = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).files[
    'weights.bin'
  ];
  rejectsWith(
    dir,
    new RegExp(
      `weights\\.bin: sha256 mismatch, expected ${expected} \\(manifest\\), got [0-9a-f]{64}`,
    ),
  );
});

test('a tampered codec file is detected', () => {
  const { dir } = freshBundle();
  writeFileSync(join(dir, 'codec.json'), '{"scale":[100]}');
  rejectsWith(dir, /codec\.json: sha256 mismatch/);
});

test('a missing weight file is reported by name', () => {
  const { dir } = freshBundle();
  writeFileSync(join(dir, 'weights.json'), '');
  rejectsWith(dir, /weights\.json: sha256 mismatch/);
});

test('an unsupported format version is reported with both versions', () => {
  const { dir } = freshBundle();
  editManifest(dir, (m) => (m.formatVersion = 2));
  rejectsWith(dir, /bundle format version 2 is not supported \(this governor reads version 1\)/);
});

test('a bundle from an incompatible governor version is rejected', () => {
  const { dir } = freshBundle();
  editManifest(dir, (m) => (m.governorVersion = '7.0.0'));
  rejectsWith(dir, /written by governor 7\.0\.0, incompatible with the running governor/);
});

test('a bundle from another tfjs major version is rejected', () => {
  const { dir } = freshBundle();
  editManifest(dir, (m) => (m.tfjsVersion = '3.21.0'));
  rejectsWith(dir, /written with tfjs 3\.21\.0, incompatible with the running tfjs 4\./);
});

test('a missing manifest is reported', () => {
  rejectsWith(mkdtempSync(join(tmpdir(), 'governor-empty-')), /manifest\.json: not found/);
});

test('saving over an existing bundle replaces it and leaves no temporary directory', () => {
  const { dir, net } = freshBundle();
  saveBundle(dir, net, { version: 2 }, {});
  assert.deepEqual(loadBundle(dir).codec, { version: 2 });
  assert.deepEqual(readdirSync(join(dir, '..')), ['policy']);
});
