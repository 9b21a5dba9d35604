import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { entropy, logProb, sampleCategorical, sampleGaussian } from '../../agents/distributions.js';
import { RngStream } from '../../sim-cluster/rng.js';

await tf.setBackend('cpu');

const close = (a: number, b: number, tol = 1e-5) =>
  assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI); // 0.9189385

test('categorical log-probability is the log of the softmax of the chosen logit', () => {
  // logits [0, ln 3] give probabilities [1/4, 3/4]
  const logits = tf.tensor2d([[0, Math.log(3)]]);
  close(
    logProb({ kind: 'categorical', logits }, tf.tensor1d([1], 'int32')).dataSync()[0]!,
    Math.log(0.75),
  );
  close(
    logProb({ kind: 'categorical', logits }, tf.tensor1d([0], 'int32')).dataSync()[0]!,
    Math.log(0.25),
  );
});

test('categorical entropy matches -sum p log p', () => {
  // [1/4, 3/4]: -(0.25 ln 0.25 + 0.75 ln 0.75) = 0.5623351
  const logits = tf.tensor2d([
    [0, Math.log(3)],
    [0, 0],
  ]);
  const h = entropy({ kind: 'categorical', logits }).dataSync();
  close(h[0]!, -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)));
  close(h[1]!, Math.LN2);
});

test('diagonal Gaussian log-probability sums the per-dimension densities', () => {
  // mean [0, 1], std [1, 2], action [1, 1]:
  //   dim0: -0.5 * 1^2 - ln 1 - 0.9189385 = -1.4189385
  //   dim1: -0.5 * 0^2 - ln 2 - 0.9189385 = -1.6120857
  const params = {
    kind: 'gaussian' as const,
    mean: tf.tensor2d([[0, 1]]),
    logStd: tf.tensor1d([0, Math.LN2]),
  };
  close(
    logProb(params, tf.tensor2d([[1, 1]])).dataSync()[0]!,
    -0.5 - HALF_LOG_2PI - Math.LN2 - HALF_LOG_2PI,
  );
});

test('diagonal Gaussian entropy is the sum of 0.5 + 0.5 ln(2 pi) + log std', () => {
  const params = {
    kind: 'gaussian' as const,
    mean: tf.tensor2d([[0, 1]]),
    logStd: tf.tensor1d([0, Math.LN2]),
  };
  close(entropy(params).dataSync()[0]!, 2 * (0.5 + HALF_LOG_2PI) + Math.LN2);
});

test('masked Gaussian dimensions add nothing to log-probability or entropy', () => {
  const params = {
    kind: 'gaussian' as const,
    mean: tf.tensor2d([[0, 1]]),
    logStd: tf.tensor1d([0, Math.LN2]),
    mask: tf.tensor2d([[1, 0]]),
  };
  close(logProb(params, tf.tensor2d([[1, 123]])).dataSync()[0]!, -0.5 - HALF_LOG_2PI);
  close(entropy(params).dataSync()[0]!, 0.5 + HALF_LOG_2PI);
});

test('categorical samples follow the softmax probabilities', () => {
  // p(1) = 3/4; with n = 20000 the standard error is sqrt(0.1875 / n) ~ 0.003
  const rng = new RngStream(1, 'policy');
  const out = new Int32Array(20000);
  const logits = new Float32Array(out.length * 2);
  for (let i = 0; i < out.length; i++) logits[2 * i + 1] = Math.log(3);
  sampleCategorical(logits, 2, rng, out);
  const ones = out.reduce((n, a) => n + a, 0) / out.length;
  close(ones, 0.75, 0.015);
});

test('Gaussian samples have the requested mean and standard deviation', () => {
  const n = 20000;
  const rng = new RngStream(2, 'policy');
  const out = new Float32Array(n);
  sampleGaussian(new Float32Array(n).fill(3), [Math.log(2)], rng, out);
  const mean = out.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(out.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  // standard error of the mean 2 / sqrt(20000) ~ 0.014
  close(mean, 3, 0.07);
  close(sd, 2, 0.05);
});
