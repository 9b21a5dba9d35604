import assert from 'node:assert/strict';

/** Asserts |actual − expected| ≤ relTol × |expected|, naming the quantity and both values. */
export function assertClose(actual: number, expected: number, relTol: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(
    err <= relTol,
    `${what}: got ${actual}, expected ${expected} (error ${(err * 100).toFixed(2)}%)`,
  );
}
