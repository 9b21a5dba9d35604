/**
 * Parameters to bytes and back: one little-endian float32 blob plus a JSON index of
 * names, shapes and offsets. Restoring checks that names and shapes match the network.
 */
import * as tf from '@tensorflow/tfjs';
import { BundleError } from '../sim-cluster/errors.js';
import type { NamedParameter } from './dense.js';

export interface WeightEntry {
  readonly name: string;
  readonly shape: readonly number[];
  /** Offset in float32 elements into the blob. */
  readonly offset: number;
}

export interface SerializedWeights {
  readonly index: readonly WeightEntry[];
  readonly data: Float32Array;
}

/** Copies named tensors into one blob. */
export function serializeTensors(
  entries: readonly { name: string; shape: readonly number[]; values: Float32Array }[],
): SerializedWeights {
  const total = entries.reduce((n, e) => n + e.values.length, 0);
  const data = new Float32Array(total);
  const index: WeightEntry[] = [];
  let offset = 0;
  for (const e of entries) {
    data.set(e.values, offset);
    index.push({ name: e.name, shape: [...e.shape], offset });
    offset += e.values.length;
  }
  return { index, data };
}

/** The current values of a network's parameters. */
export function serializeParameters(parameters: readonly NamedParameter[]): SerializedWeights {
  return serializeTensors(
    parameters.map((p) => ({
      name: p.name,
      shape: p.variable.shape,
      values: p.variable.dataSync() as Float32Array,
    })),
  );
}

/** Looks up one named tensor's values, checking its shape. */
export function readTensor(
  weights: SerializedWeights,
  name: string,
  shape: readonly number[],
  source: string,
): Float32Array {
  const entry = weights.index.find((e) => e.name === name);
  if (entry === undefined) throw new BundleError(`${source}: missing tensor ${name}`);
  if (entry.shape.join('x') !== shape.join('x')) {
    throw new BundleError(
      `${source}: tensor ${name} has shape [${entry.shape.join(', ')}], the network expects [${shape.join(', ')}]`,
    );
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (entry.offset + size > weights.data.length) {
    throw new BundleError(`${source}: tensor ${name} extends past the end of the weight data`);
  }
  return weights.data.subarray(entry.offset, entry.offset + size);
}

/** Assigns saved values to a network's parameters. */
export function restoreParameters(
  parameters: readonly NamedParameter[],
  weights: SerializedWeights,
  source: string,
): void {
  tf.tidy(() => {
    for (const p of parameters) {
      const values = readTensor(weights, p.name, p.variable.shape, source);
      p.variable.assign(tf.tensor(values, p.variable.shape));
    }
  });
}

/** The blob as bytes (little-endian, as every platform Node runs on). */
export function weightBytes(weights: SerializedWeights): Uint8Array {
  return new Uint8Array(weights.data.buffer, weights.data.byteOffset, weights.data.byteLength);
}

/** Bytes back to a float32 blob (copied, so alignment does not matter). */
export function bytesToFloats(bytes: Uint8Array): Float32Array {
  const copy = new Uint8Array(bytes.byteLength - (bytes.byteLength % 4));
  copy.set(bytes.subarray(0, copy.length));
  return new Float32Array(copy.buffer);
}
