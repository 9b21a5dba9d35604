import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Adam } from '../../agents/adam.js';
import { clipByGlobalNorm, clipFlatByGlobalNorm } from '../../agents/grad-clip.js';

await tf.setBackend('cpu');

const close = (a: number, b: number, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

function params() {
  return [
    { name: 'w', variable: tf.variable(tf.tensor2d([[1, -1]]), true) },
    { name: 'b', variable: tf.variable(tf.tensor1d([0.5]), true) },
  ];
}

test('the first Adam step moves each weight by lr * g / (|g| + eps)', () => {
  // t = 1: m = 0.1 g, v = 0.001 g^2; bias-corrected m / (1 - 0.9) = g, sqrt(v / (1 - 0.999)) = |g|
  const ps = params();
  const adam = new Adam(ps, { epsilon: 1e-5 });
  adam.apply({ w: tf.tensor2d([[2, -0.5]]), b: tf.tensor1d([0]) }, 0.1);
  const w = ps[0]!.variable.dataSync();
  close(w[0]!, 1 - (0.1 * 2) / (2 + 1e-5));
  close(w[1]!, -1 + (0.1 * 0.5) / (0.5 + 1e-5));
  // A zero gradient leaves its weight unchanged: 0 / (0 + eps) = 0.
  close(ps[1]!.variable.dataSync()[0]!, 0.5);
  assert.equal(adam.step, 1);
});

test('Adam’s state round-trips through getState and setState', () => {
  const ps = params();
  const a = new Adam(ps);
  a.apply({ w: tf.tensor2d([[2, -0.5]]), b: tf.tensor1d([3]) }, 0.1);
  const b = new Adam(params());
  b.setState(a.getState());
  assert.equal(b.step, 1);
  assert.deepEqual(b.getState().moments.get('b'), a.getState().moments.get('b'));
  // m = 0.1 * 3, v = 0.001 * 9
  close(a.getState().moments.get('b')!.m[0]!, 0.3);
  close(a.getState().moments.get('b')!.v[0]!, 0.009);
});

test('flat global-norm clipping agrees with per-tensor clipping', () => {
  const named = clipByGlobalNorm({ a: tf.tensor1d([3, 1]), b: tf.tensor1d([4]) }, 2);
  const flat = clipFlatByGlobalNorm(tf.tensor1d([3, 1, 4]), 2).dataSync();
  const expected = [...named.grads.a!.dataSync(), ...named.grads.b!.dataSync()];
  expected.forEach((x, i) => close(flat[i]!, x));
});
