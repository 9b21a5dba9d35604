import type { RngStream } from '../../sim-cluster/rng.js';
import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import type { Space, SpaceJson } from './space.js';
import {
  formatVector,
  isArrayLike,
  shapeSize,
  standardExponential,
  standardNormal,
  toRng,
} from './space.js';

/** The element type of a Box: a flat typed array of `shapeSize(shape)` numbers, row-major. */
export type BoxValue = Float32Array | Float64Array;

/** Options of a Box: bounds are a number for every dimension or one number per dimension. */
export interface BoxOptions {
  /** Lower bounds; `-Infinity` for unbounded below. */
  readonly low: number | ArrayLike<number>;
  /** Upper bounds; `Infinity` for unbounded above. */
  readonly high: number | ArrayLike<number>;
  /** Shape of an element; defaults to `[low.length]` (or `[1]` for scalar bounds). */
  readonly shape?: readonly number[];
  /** Element dtype (default `float32`); float32 bounds are rounded to float32. */
  readonly dtype?: 'float32' | 'float64';
}

/**
 * A box in R^n: every element is a typed array with `low[i] <= x[i] <= high[i]`.
 * Sampling follows Gymnasium: uniform on bounded dimensions, `low + Exp(1)` or
 * `high - Exp(1)` on half-bounded ones, and a standard normal on unbounded ones.
 *
 * `T` is the element type, `Float32Array` for float32 boxes and `Float64Array` for float64
 * ones: write `new Box<Float32Array>({...})` to type a float32 box precisely.
 */
export class Box<T extends BoxValue = BoxValue> implements Space<T> {
  readonly kind = 'box' as const;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'float64';
  /** Lower bound per flat index (float32-rounded for float32 boxes). */
  readonly low: Float64Array;
  /** Upper bound per flat index (float32-rounded for float32 boxes). */
  readonly high: Float64Array;
  /** Number of scalars in one element. */
  readonly size: number;

  constructor(options: BoxOptions) {
    this.dtype = options.dtype ?? 'float32';
    const inferred =
      typeof options.low !== 'number'
        ? options.low.length
        : typeof options.high !== 'number'
          ? options.high.length
          : 1;
    this.shape = [...(options.shape ?? [inferred])];
    for (const d of this.shape) {
      if (!Number.isSafeInteger(d) || d < 0)
        throw new InvalidArgumentError(
          `Box shape must hold non-negative integers, got [${this.shape.join(',')}]`,
        );
    }
    this.size = shapeSize(this.shape);
    this.low = this.bounds(options.low, 'low');
    this.high = this.bounds(options.high, 'high');
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i] as number;
      const hi = this.high[i] as number;
      if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi || lo === Infinity || hi === -Infinity)
        throw new InvalidArgumentError(
          `Box needs low <= high, low < Infinity and high > -Infinity (no NaN) at index ${i}, got low=${lo}, high=${hi}`,
        );
    }
  }

  private bounds(b: number | ArrayLike<number>, name: string): Float64Array {
    const out = new Float64Array(this.size);
    if (typeof b !== 'number' && b.length !== this.size)
      throw new InvalidArgumentError(
        `Box ${name} must have ${this.size} values for shape [${this.shape.join(',')}], got ${b.length}`,
      );
    for (let i = 0; i < this.size; i++) {
      const v = typeof b === 'number' ? b : (b[i] as number);
      out[i] = this.dtype === 'float32' ? Math.fround(v) : v;
    }
    return out;
  }

  /** Whether every dimension is bounded on both sides. */
  isBounded(): boolean {
    for (let i = 0; i < this.size; i++) {
      if (!Number.isFinite(this.low[i]) || !Number.isFinite(this.high[i])) return false;
    }
    return true;
  }

  /** A new zero-filled element buffer of this box's dtype and size. */
  allocate(): T {
    return (
      this.dtype === 'float32' ? new Float32Array(this.size) : new Float64Array(this.size)
    ) as T;
  }

  sample(rng: RngStream | number): T {
    const r = toRng(rng);
    const out = this.allocate();
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i] as number;
      const hi = this.high[i] as number;
      const loFinite = Number.isFinite(lo);
      const hiFinite = Number.isFinite(hi);
      let v: number;
      if (loFinite && hiFinite) v = lo + r.next() * (hi - lo);
      else if (loFinite) v = lo + standardExponential(r);
      else if (hiFinite) v = hi - standardExponential(r);
      else v = standardNormal(r);
      // Float32 rounding may land just outside a bound; clamp to keep samples inside.
      out[i] = Math.min(hi, Math.max(lo, v));
    }
    return out;
  }

  contains(x: unknown): x is T {
    return this.explain(x) === undefined;
  }

  explain(x: unknown): string | undefined {
    if (!isArrayLike(x))
      return `expected a ${this.dtype === 'float32' ? 'Float32Array' : 'Float64Array'} of length ${this.size}, got ${describeValue(x)}`;
    if (this.dtype === 'float32' ? !(x instanceof Float32Array) : !(x instanceof Float64Array))
      return `expected a ${this.dtype === 'float32' ? 'Float32Array' : 'Float64Array'}, got ${describeValue(x)}`;
    if (x.length !== this.size)
      return `expected length ${this.size} (shape [${this.shape.join(',')}]), got length ${x.length}`;
    for (let i = 0; i < this.size; i++) {
      const v = x[i] as number;
      if (Number.isNaN(v)) return `value at index ${i} is NaN`;
      if (v < (this.low[i] as number))
        return `value ${v} at index ${i} is below the lower bound ${this.low[i]}`;
      if (v > (this.high[i] as number))
        return `value ${v} at index ${i} is above the upper bound ${this.high[i]}`;
    }
    return undefined;
  }

  describe(): string {
    return `Box(${this.dtype}, [${this.shape.join(',')}], low=${formatVector(this.low)}, high=${formatVector(this.high)})`;
  }

  toJson(): SpaceJson {
    const enc = (v: Float64Array): (number | null)[] =>
      Array.from(v, (b) => (Number.isFinite(b) ? b : null));
    // JSON has no Infinity: null stands for the unbounded side of each bound.
    return {
      kind: 'box',
      low: enc(this.low),
      high: enc(this.high),
      shape: [...this.shape],
      dtype: this.dtype,
    };
  }
}

/** A short description of an arbitrary value for error messages. */
export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an Array of length ${x.length}`;
  if (ArrayBuffer.isView(x))
    return `a ${x.constructor.name} of length ${(x as unknown as ArrayLike<unknown>).length}`;
  if (typeof x === 'object') return `an object (${x.constructor?.name ?? 'Object'})`;
  return `${typeof x} ${String(x)}`;
}
