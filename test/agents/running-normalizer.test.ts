import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RewardNormalizer,
  RunningMeanStd,
  normalizeRows,
} from '../../agents/running-normalizer.js';

const close = (a: number, b: number, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('running statistics match the batch mean and variance once the prior count is negligible', () => {
  const rms = new RunningMeanStd(2);
  // rows (1, 10), (3, 20), (5, 30) in two batches: means 3 and 20, variances 8/3 and 200/3
  rms.update([1, 10, 3, 20], 2);
  rms.update([5, 30], 1);
  close(rms.mean[0]!, 3, 1e-3);
  close(rms.mean[1]!, 20, 1e-2);
  close(rms.var[0]!, 8 / 3, 1e-3);
  // the prior (mean 0, count 1e-4) adds about 1e-4 * 20^2 / 3 = 0.013 to this variance
  close(rms.var[1]!, 200 / 3, 0.02);
});

test('normalised rows are standardised and clipped', () => {
  const rms = new RunningMeanStd(1);
  rms.mean[0] = 2;
  rms.var[0] = 4;
  const out = new Float32Array(3);
  // (x - 2) / 2 -> [-1, 0, 50] clipped to 10
  normalizeRows(rms, [0, 2, 102], out, 10);
  assert.deepEqual(
    [...out].map((x) => Math.round(x * 1e6) / 1e6),
    [-1, 0, 10],
  );
});

test('reward normalisation divides by the running std of the discounted return', () => {
  const norm = new RewardNormalizer(1, 0.5, 10);
  const out = new Float32Array(1);
  // returns: 1, then 1 * 0.5 + 1 = 1.5; statistics over {1, 1.5} (prior count 1e-4)
  norm.normalize([1], [0], out);
  norm.normalize([1], [0], out);
  const std = Math.sqrt(norm.returnRms.var[0]! + 1e-8);
  close(norm.returnRms.mean[0]!, 1.25, 1e-3);
  close(out[0]!, 1 / std, 1e-5);
});

test('an ended episode restarts the discounted return', () => {
  const norm = new RewardNormalizer(1, 0.5, 10);
  const out = new Float32Array(1);
  norm.normalize([4], [1], out);
  norm.normalize([4], [0], out);
  // Without the restart the second return would be 4 * 0.5 + 4 = 6; with it, 4 again.
  close(norm.returnRms.mean[0]!, 4, 1e-3);
});
