import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  approxKl,
  clipFraction,
  clippedSurrogateLoss,
  normalizeAdvantages,
  valueLoss,
} from '../../agents/ppo-losses.js';
import { clipByGlobalNorm } from '../../agents/grad-clip.js';
import { annealedLearningRate } from '../../agents/lr-schedule.js';

await tf.setBackend('cpu');

const t1 = (xs: number[]) => tf.tensor1d(xs);
const scalar = (s: tf.Scalar) => s.dataSync()[0]!;
const close = (a: number, b: number, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('the clipped surrogate loss takes the pessimistic term per sample', () => {
  // ratio [0.5, 1.5, 1.0], A [1, -1, 2], clip 0.2:
  //   i0: max(-1*0.5, -1*0.8) = -0.5   (clipping would make the loss smaller: not taken)
  //   i1: max( 1*1.5,  1*1.2) =  1.5
  //   i2: max(-2*1.0, -2*1.0) = -2
  // mean = (-0.5 + 1.5 - 2) / 3 = -1/3
  close(scalar(clippedSurrogateLoss(t1([0.5, 1.5, 1]), t1([1, -1, 2]), 0.2)), -1 / 3);
});

test('the clipped value loss is half the mean of the larger squared error', () => {
  // new [1, 2], old [0, 2], returns [2, 0], clip 0.5
  // unclipped: (1-2)^2 = 1, (2-0)^2 = 4
  // clipped:   (0 + 0.5 - 2)^2 = 2.25, (2 + 0 - 0)^2 = 4
  // 0.5 * mean(max) = 0.5 * (2.25 + 4) / 2 = 1.5625
  close(scalar(valueLoss(t1([1, 2]), t1([0, 2]), t1([2, 0]), 0.5)), 1.5625);
});

test('the unclipped value loss is half the mean squared error', () => {
  // 0.5 * (1 + 4) / 2 = 1.25
  close(scalar(valueLoss(t1([1, 2]), t1([0, 2]), t1([2, 0]), null)), 1.25);
});

test('approx KL is the mean of (ratio - 1) - log ratio', () => {
  // log ratio 0: 0; log ratio ln 2: (2 - 1) - ln 2 = 0.3068528; mean 0.1534264
  close(scalar(approxKl(t1([0, Math.LN2]))), (1 - Math.LN2) / 2);
});

test('the clip fraction counts ratios outside 1 +- clip', () => {
  // |ratio - 1| = [0.3, 0.1, 0.1, 0.3] > 0.2 for two of four
  close(scalar(clipFraction(t1([0.7, 0.9, 1.1, 1.3]), 0.2)), 0.5);
});

test('advantage normalisation uses the unbiased standard deviation', () => {
  // [1, 2, 3]: mean 2, unbiased variance (1 + 0 + 1) / 2 = 1
  const out = normalizeAdvantages(t1([1, 2, 3])).dataSync();
  [-1, 0, 1].forEach((e, i) => close(out[i]!, e));
});

test('global norm clipping scales all gradients by maxNorm / norm', () => {
  // norm of [3] and [4] together is 5; maxNorm 1 scales by 1/5
  const { grads, norm } = clipByGlobalNorm({ a: t1([3]), b: t1([4]) }, 1);
  close(scalar(norm), 5);
  close(grads.a!.dataSync()[0]!, 0.6, 1e-5);
  close(grads.b!.dataSync()[0]!, 0.8, 1e-5);
});

test('global norm clipping leaves gradients below the limit unchanged', () => {
  const { grads } = clipByGlobalNorm({ a: t1([3]), b: t1([4]) }, 10);
  close(grads.a!.dataSync()[0]!, 3);
  close(grads.b!.dataSync()[0]!, 4);
});

test('linear annealing starts at the base rate and ends at base / iterations', () => {
  // 1 - (i - 1) / 4 for i = 1..4: 1, 0.75, 0.5, 0.25
  assert.deepEqual(
    [1, 2, 3, 4].map((i) => annealedLearningRate(1, i, 4)),
    [1, 0.75, 0.5, 0.25],
  );
});
