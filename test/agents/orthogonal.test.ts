import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orthogonalMatrix } from '../../agents/orthogonal.js';
import { RngStream } from '../../sim-cluster/rng.js';

/** Gram matrix of the rows (byRows) or columns of a row-major matrix. */
function gram(w: Float32Array, rows: number, cols: number, byRows: boolean): number[][] {
  const k = byRows ? rows : cols;
  const n = byRows ? cols : rows;
  const at = (v: number, i: number) => (byRows ? w[v * cols + i]! : w[i * cols + v]!);
  return Array.from({ length: k }, (_, a) =>
    Array.from({ length: k }, (_, b) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += at(a, i) * at(b, i);
      return s;
    }),
  );
}

function assertScaledIdentity(g: number[][], scale: number) {
  g.forEach((row, a) =>
    row.forEach((x, b) =>
      assert.ok(Math.abs(x - (a === b ? scale : 0)) < 1e-5, `[${a},${b}] ${x}`),
    ),
  );
}

test('a tall orthogonal matrix has orthonormal columns scaled by the gain', () => {
  const w = orthogonalMatrix(64, 4, Math.SQRT2, new RngStream(1, 'init'));
  assertScaledIdentity(gram(w, 64, 4, false), 2);
});

test('a wide orthogonal matrix has orthonormal rows scaled by the gain', () => {
  const w = orthogonalMatrix(4, 64, 0.01, new RngStream(1, 'init'));
  assertScaledIdentity(gram(w, 4, 64, true), 1e-4);
});

test('a square orthogonal matrix is orthogonal both ways', () => {
  const w = orthogonalMatrix(16, 16, 1, new RngStream(3, 'init'));
  assertScaledIdentity(gram(w, 16, 16, true), 1);
  assertScaledIdentity(gram(w, 16, 16, false), 1);
});

test('orthogonal initialisation is reproducible from the seed', () => {
  const a = orthogonalMatrix(8, 5, 1, new RngStream(7, 'init'));
  const b = orthogonalMatrix(8, 5, 1, new RngStream(7, 'init'));
  const c = orthogonalMatrix(8, 5, 1, new RngStream(8, 'init'));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});
