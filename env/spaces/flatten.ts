/**
 * Shape helpers a learner needs (Gymnasium's `flatdim`, `flatten`, `unflatten`,
 * `flatten_space`): every space maps to a flat vector of numbers. Box values are copied
 * as is, a Discrete value becomes a one-hot vector of length `n`, MultiDiscrete values
 * become concatenated one-hot vectors, MultiBinary bits are copied, and Dict (in sorted
 * key order) and Tuple values are the concatenation of their parts.
 */
import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import type { BoxValue } from './box.js';
import { Box } from './box.js';
import { DictSpace, TupleSpace } from './composite.js';
import type { DictValue } from './composite.js';
import { Discrete, MultiBinary, MultiDiscrete } from './discrete.js';
import type { Space, SpaceJson } from './space.js';

/** Number of scalars in the flat form of an element of `space`. */
export function flatdim(space: Space<unknown>): number {
  if (space instanceof Box) return space.size;
  if (space instanceof Discrete) return space.n;
  if (space instanceof MultiDiscrete) return space.nvec.reduce((a, b) => a + b, 0);
  if (space instanceof MultiBinary) return space.n;
  if (space instanceof DictSpace)
    return space.keys.reduce((a, k) => a + flatdim(space.spaces[k] as Space<unknown>), 0);
  if (space instanceof TupleSpace) return space.spaces.reduce((a, s) => a + flatdim(s), 0);
  throw new InvalidArgumentError(`cannot flatten space ${space.describe()}`);
}

/**
 * Writes the flat form of `x` (an element of `space`) into `out` at `offset` and returns
 * the offset just past it. Allocation-free: vector envs use it to fill batched buffers.
 */
export function flattenInto(
  space: Space<unknown>,
  x: unknown,
  out: Float32Array | Float64Array,
  offset: number,
): number {
  if (space instanceof Box) {
    out.set(x as BoxValue, offset);
    return offset + space.size;
  }
  if (space instanceof Discrete) {
    out.fill(0, offset, offset + space.n);
    out[offset + (x as number) - space.start] = 1;
    return offset + space.n;
  }
  if (space instanceof MultiDiscrete) {
    const v = x as Int32Array;
    let at = offset;
    for (const [i, n] of space.nvec.entries()) {
      out.fill(0, at, at + n);
      out[at + (v[i] as number)] = 1;
      at += n;
    }
    return at;
  }
  if (space instanceof MultiBinary) {
    out.set(x as Uint8Array, offset);
    return offset + space.n;
  }
  if (space instanceof DictSpace) {
    let at = offset;
    for (const k of space.keys)
      at = flattenInto(space.spaces[k] as Space<unknown>, (x as DictValue)[k], out, at);
    return at;
  }
  if (space instanceof TupleSpace) {
    let at = offset;
    for (const [i, s] of space.spaces.entries()) at = flattenInto(s, (x as unknown[])[i], out, at);
    return at;
  }
  throw new InvalidArgumentError(`cannot flatten space ${space.describe()}`);
}

/** The flat form of `x` as a new typed array of `dtype` (default float32, what TF.js eats). */
export function flatten(
  space: Space<unknown>,
  x: unknown,
  dtype: 'float32' | 'float64' = 'float32',
): BoxValue {
  const out =
    dtype === 'float32' ? new Float32Array(flatdim(space)) : new Float64Array(flatdim(space));
  flattenInto(space, x, out, 0);
  return out;
}

/** The element of `space` whose flat form is `flat` (inverse of `flatten`). */
export function unflatten(space: Space<unknown>, flat: ArrayLike<number>): unknown {
  if (flat.length !== flatdim(space))
    throw new InvalidArgumentError(
      `unflatten ${space.describe()} needs ${flatdim(space)} values, got ${flat.length}`,
    );
  return unflattenAt(space, flat, 0);
}

function argmax(flat: ArrayLike<number>, from: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++)
    if ((flat[from + i] as number) > (flat[from + best] as number)) best = i;
  return best;
}

function unflattenAt(space: Space<unknown>, flat: ArrayLike<number>, offset: number): unknown {
  if (space instanceof Box) {
    const out = space.allocate();
    for (let i = 0; i < space.size; i++) out[i] = flat[offset + i] as number;
    return out;
  }
  if (space instanceof Discrete) return space.start + argmax(flat, offset, space.n);
  if (space instanceof MultiDiscrete) {
    const out = new Int32Array(space.nvec.length);
    let at = offset;
    for (const [i, n] of space.nvec.entries()) {
      out[i] = argmax(flat, at, n);
      at += n;
    }
    return out;
  }
  if (space instanceof MultiBinary)
    return Uint8Array.from({ length: space.n }, (_, i) => flat[offset + i] as number);
  if (space instanceof DictSpace) {
    const out: DictValue = {};
    let at = offset;
    for (const k of space.keys) {
      const s = space.spaces[k] as Space<unknown>;
      out[k] = unflattenAt(s, flat, at);
      at += flatdim(s);
    }
    return out;
  }
  if (space instanceof TupleSpace) {
    let at = offset;
    return space.spaces.map((s) => {
      const v = unflattenAt(s, flat, at);
      at += flatdim(s);
      return v;
    });
  }
  throw new InvalidArgumentError(`cannot unflatten space ${space.describe()}`);
}

/** The Box of flat forms of `space` (one-hot dimensions are bounded by [0, 1]). */
export function flattenSpace(space: Space<unknown>, dtype: 'float32' | 'float64' = 'float32'): Box {
  if (space instanceof Box)
    return new Box({ low: space.low, high: space.high, shape: [space.size], dtype });
  if (space instanceof DictSpace || space instanceof TupleSpace) {
    const parts =
      space instanceof DictSpace
        ? space.keys.map((k) => space.spaces[k] as Space<unknown>)
        : space.spaces;
    const boxes = parts.map((s) => flattenSpace(s, dtype));
    const low = boxes.flatMap((b) => Array.from(b.low));
    const high = boxes.flatMap((b) => Array.from(b.high));
    return new Box({ low, high, dtype });
  }
  return new Box({ low: 0, high: 1, shape: [flatdim(space)], dtype });
}

/** Rebuilds a space from its `toJson()` description. */
export function spaceFromJson(json: SpaceJson): Space<unknown> {
  switch (json.kind) {
    case 'box':
      return new Box({
        low: json.low.map((v) => v ?? -Infinity),
        high: json.high.map((v) => v ?? Infinity),
        shape: json.shape,
        dtype: json.dtype,
      });
    case 'discrete':
      return new Discrete(json.n, json.start);
    case 'multi-discrete':
      return new MultiDiscrete(json.nvec);
    case 'multi-binary':
      return new MultiBinary(json.n);
    case 'dict': {
      const spaces: Record<string, Space<unknown>> = {};
      for (const [k, v] of Object.entries(json.spaces)) spaces[k] = spaceFromJson(v);
      return new DictSpace(spaces);
    }
    case 'tuple':
      return new TupleSpace(json.spaces.map(spaceFromJson));
  }
}
