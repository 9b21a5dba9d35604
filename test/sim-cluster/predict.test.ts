/** The predictor's normal quantile against tabulated values of Φ⁻¹. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalQuantile } from '../../sim-cluster/predict.js';

test('normalQuantile matches the standard normal table and is odd around 0.5', () => {
  for (const [p, z] of [
    [0.5, 0],
    [0.9, 1.2815516],
    [0.95, 1.6448536],
    [0.975, 1.959964],
    [0.99, 2.3263479],
    [0.999, 3.0902323],
  ] as const) {
    assert.ok(Math.abs(normalQuantile(p) - z) < 1e-6, `Φ⁻¹(${p}) = ${normalQuantile(p)}`);
    assert.ok(Math.abs(normalQuantile(1 - p) + z) < 1e-6);
  }
  assert.equal(normalQuantile(0), -Infinity);
  assert.equal(normalQuantile(1), Infinity);
});
