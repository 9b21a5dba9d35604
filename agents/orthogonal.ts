/**
 * Orthogonal initialisation (Saxe et al. 2014) with a seeded stream, as
 * `torch.nn.init.orthogonal_` computes it: draw a Gaussian matrix, orthonormalise it
 * (QR with a positive diagonal of R, here by modified Gram–Schmidt, which yields exactly
 * that Q) and scale by `gain`. tfjs's own `orthogonal` initializer draws with
 * `Math.random`, so we do not use it.
 */
import type { RngStream } from '../sim-cluster/rng.js';
import { sampleStandardNormal } from './distributions.js';

/**
 * A `rows x cols` row-major matrix whose rows (if rows <= cols) or columns (otherwise) are
 * orthonormal, times `gain`.
 */
export function orthogonalMatrix(
  rows: number,
  cols: number,
  gain: number,
  rng: RngStream,
): Float32Array {
  const tall = rows >= cols;
  const n = tall ? rows : cols; // length of each vector to orthonormalise
  const k = tall ? cols : rows; // how many vectors
  const vectors: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = sampleStandardNormal(rng);
    for (const u of vectors) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += u[i]! * v[i]!;
      for (let i = 0; i < n; i++) v[i] = v[i]! - dot * u[i]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) v[i] = v[i]! / norm;
    vectors.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < n; i++) {
      const index = tall ? i * cols + j : j * cols + i;
      out[index] = gain * vectors[j]![i]!;
    }
  }
  return out;
}
