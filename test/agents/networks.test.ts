import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createActorCritic } from '../../agents/actor-critic.js';
import { logProb } from '../../agents/distributions.js';
import { packedTenantLayout } from '../../agents/network-spec.js';
import type { NetworkSpec } from '../../agents/network-spec.js';
import { RngStream } from '../../sim-cluster/rng.js';

await tf.setBackend('cpu');

const close = (a: number, b: number, tol = 1e-5) =>
  assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('the MLP actor-critic outputs logits and values of the right shapes', () => {
  const spec: NetworkSpec = {
    kind: 'mlp',
    observationDim: 4,
    action: { kind: 'discrete', n: 3 },
    hidden: [64, 64],
  };
  const net = createActorCritic(spec, new RngStream(1, 'init'));
  const out = net.forward(tf.ones([5, 4]));
  assert.equal(out.dist.kind, 'categorical');
  if (out.dist.kind === 'categorical') assert.deepEqual(out.dist.logits.shape, [5, 3]);
  assert.deepEqual(out.value.shape, [5]);
});

test('a fresh policy head is near uniform because of its 0.01 gain', () => {
  const spec: NetworkSpec = {
    kind: 'mlp',
    observationDim: 4,
    action: { kind: 'discrete', n: 2 },
    hidden: [64, 64],
  };
  const net = createActorCritic(spec, new RngStream(1, 'init'));
  const out = net.forward(tf.randomUniform([16, 4], -1, 1, 'float32', 3));
  if (out.dist.kind !== 'categorical') throw new Error('expected categorical');
  // Hidden activations are in (-1, 1) and the head rows have norm 0.01: |logit| <= 0.01 * 8.
  for (const x of out.dist.logits.dataSync()) assert.ok(Math.abs(x) < 0.08);
});

test('the continuous head has a state-independent log std starting at zero', () => {
  const spec: NetworkSpec = {
    kind: 'mlp',
    observationDim: 3,
    action: { kind: 'continuous', dim: 2 },
    hidden: [64, 64],
  };
  const net = createActorCritic(spec, new RngStream(1, 'init'));
  const out = net.forward(tf.ones([4, 3]));
  if (out.dist.kind !== 'gaussian') throw new Error('expected gaussian');
  assert.deepEqual(out.dist.mean.shape, [4, 2]);
  assert.deepEqual([...out.dist.logStd.dataSync()], [0, 0]);
  assert.ok(net.parameters.some((p) => p.name === 'actor.logstd'));
});

test('the same seed builds the same network', () => {
  const spec: NetworkSpec = {
    kind: 'mlp',
    observationDim: 4,
    action: { kind: 'discrete', n: 2 },
    hidden: [8],
  };
  const a = createActorCritic(spec, new RngStream(5, 'init'));
  const b = createActorCritic(spec, new RngStream(5, 'init'));
  a.parameters.forEach((p, i) =>
    assert.deepEqual(p.variable.dataSync(), b.parameters[i]!.variable.dataSync()),
  );
});

// Per-tenant network: 2 global features, 3 slots of 2 features, mask at the end.
const layout = packedTenantLayout(2, 3, 2);
const tenantSpec: NetworkSpec = { kind: 'tenant', layout, actionsPerTenant: 2, hidden: 16 };
const globalFeatures = [0.3, -0.7];

function observation(slots: number[][], mask: number[]): number[] {
  return [...globalFeatures, ...slots.flat(), ...mask];
}

function run(obs: number[]) {
  const net = createActorCritic(tenantSpec, new RngStream(9, 'init'));
  // Scale the head so that outputs are far from zero and differences are visible.
  tf.tidy(() =>
    net.parameters.forEach((p) =>
      p.variable.assign(tf.mul(p.variable, p.name.startsWith('actor.head.1') ? 100 : 1)),
    ),
  );
  const out = net.forward(tf.tensor2d([obs]));
  if (out.dist.kind !== 'gaussian') throw new Error('expected gaussian');
  return { mean: [...out.dist.mean.dataSync()], value: out.value.dataSync()[0]!, out };
}

const slotsA = [
  [1, 2],
  [-1, 0.5],
  [0.2, 0.1],
];

test('permuting tenant slots permutes their actions and leaves the value unchanged', () => {
  const base = run(observation(slotsA, [1, 1, 1]));
  const perm = [2, 0, 1];
  const permuted = run(
    observation(
      perm.map((j) => slotsA[j]!),
      [1, 1, 1],
    ),
  );
  close(permuted.value, base.value);
  perm.forEach((j, i) => {
    close(permuted.mean[2 * i]!, base.mean[2 * j]!);
    close(permuted.mean[2 * i + 1]!, base.mean[2 * j + 1]!);
  });
});

test('the features of inactive slots change neither the value nor the active actions', () => {
  const base = run(observation(slotsA, [1, 1, 0]));
  const changed = run(observation([slotsA[0]!, slotsA[1]!, [50, -50]], [1, 1, 0]));
  close(changed.value, base.value);
  for (let i = 0; i < 4; i++) close(changed.mean[i]!, base.mean[i]!);
});

test('a policy over three slots serves two tenants like a policy over two active slots', () => {
  // Two tenants in slots 0-1 or in slots 1-2 (slot order does not matter): same value.
  const first = run(observation([slotsA[0]!, slotsA[1]!, [0, 0]], [1, 1, 0]));
  const last = run(observation([[9, 9], slotsA[0]!, slotsA[1]!], [0, 1, 1]));
  close(first.value, last.value);
  close(first.mean[0]!, last.mean[2]!);
});

test('masked tenants contribute nothing to the log-probability', () => {
  const { out } = run(observation(slotsA, [1, 0, 1]));
  const a = tf.tensor2d([[0.1, 0.2, 5, -5, 0.3, 0.4]]);
  const b = tf.tensor2d([[0.1, 0.2, -7, 7, 0.3, 0.4]]);
  close(logProb(out.dist, a).dataSync()[0]!, logProb(out.dist, b).dataSync()[0]!);
});
