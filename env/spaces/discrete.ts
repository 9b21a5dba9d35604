import type { RngStream } from '../../sim-cluster/rng.js';
import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import { describeValue } from './box.js';
import type { Space, SpaceJson } from './space.js';
import { isArrayLike, toRng } from './space.js';

/** The integers `{start, start + 1, ..., start + n - 1}` (Gymnasium's `Discrete(n, start)`). */
export class Discrete implements Space<number> {
  readonly kind = 'discrete' as const;
  readonly shape: readonly number[] = [];

  /** `n` is the number of elements (a positive integer); `start` the smallest (default 0). */
  constructor(
    readonly n: number,
    readonly start = 0,
  ) {
    if (!Number.isSafeInteger(n) || n < 1)
      throw new InvalidArgumentError(`Discrete n must be a positive integer, got ${n}`);
    if (!Number.isSafeInteger(start))
      throw new InvalidArgumentError(`Discrete start must be an integer, got ${start}`);
  }

  sample(rng: RngStream | number): number {
    return this.start + toRng(rng).nextInt(this.n);
  }

  contains(x: unknown): x is number {
    return this.explain(x) === undefined;
  }

  explain(x: unknown): string | undefined {
    if (typeof x !== 'number')
      return `expected an integer in [${this.start}, ${this.start + this.n - 1}], got ${describeValue(x)}`;
    if (Number.isNaN(x)) return 'value is NaN';
    if (!Number.isInteger(x)) return `value ${x} is not an integer`;
    if (x < this.start) return `value ${x} is below the lower bound ${this.start}`;
    if (x >= this.start + this.n)
      return `value ${x} is above the upper bound ${this.start + this.n - 1}`;
    return undefined;
  }

  describe(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }

  toJson(): SpaceJson {
    return { kind: 'discrete', n: this.n, start: this.start };
  }
}

/** A vector of independent discrete values, `x[i]` in `[0, nvec[i])`; elements are Int32Arrays. */
export class MultiDiscrete implements Space<Int32Array> {
  readonly kind = 'multi-discrete' as const;
  readonly shape: readonly number[];
  readonly nvec: readonly number[];

  constructor(nvec: readonly number[]) {
    for (const [i, n] of nvec.entries()) {
      if (!Number.isSafeInteger(n) || n < 1)
        throw new InvalidArgumentError(
          `MultiDiscrete nvec must hold positive integers, got ${n} at index ${i}`,
        );
    }
    this.nvec = [...nvec];
    this.shape = [nvec.length];
  }

  sample(rng: RngStream | number): Int32Array {
    const r = toRng(rng);
    return Int32Array.from(this.nvec, (n) => r.nextInt(n));
  }

  contains(x: unknown): x is Int32Array {
    return this.explain(x) === undefined;
  }

  explain(x: unknown): string | undefined {
    if (!(x instanceof Int32Array))
      return `expected an Int32Array of length ${this.nvec.length}, got ${describeValue(x)}`;
    return explainIntegers(x, this.nvec);
  }

  describe(): string {
    return `MultiDiscrete([${this.nvec.join(',')}])`;
  }

  toJson(): SpaceJson {
    return { kind: 'multi-discrete', nvec: [...this.nvec] };
  }
}

/** `n` independent bits; elements are Uint8Arrays of 0s and 1s. */
export class MultiBinary implements Space<Uint8Array> {
  readonly kind = 'multi-binary' as const;
  readonly shape: readonly number[];

  constructor(readonly n: number) {
    if (!Number.isSafeInteger(n) || n < 1)
      throw new InvalidArgumentError(`MultiBinary n must be a positive integer, got ${n}`);
    this.shape = [n];
  }

  sample(rng: RngStream | number): Uint8Array {
    const r = toRng(rng);
    const out = new Uint8Array(this.n);
    for (let i = 0; i < this.n; i++) out[i] = r.nextInt(2);
    return out;
  }

  contains(x: unknown): x is Uint8Array {
    return this.explain(x) === undefined;
  }

  explain(x: unknown): string | undefined {
    if (!(x instanceof Uint8Array))
      return `expected a Uint8Array of length ${this.n}, got ${describeValue(x)}`;
    return explainIntegers(x, new Array<number>(this.n).fill(2));
  }

  describe(): string {
    return `MultiBinary(${this.n})`;
  }

  toJson(): SpaceJson {
    return { kind: 'multi-binary', n: this.n };
  }
}

/** Why the integer vector `x` breaks `0 <= x[i] < nvec[i]`, or `undefined`. */
export function explainIntegers(
  x: ArrayLike<unknown>,
  nvec: readonly number[],
): string | undefined {
  if (!isArrayLike(x) || x.length !== nvec.length)
    return `expected length ${nvec.length}, got length ${x.length}`;
  for (let i = 0; i < nvec.length; i++) {
    const v = x[i];
    if (typeof v !== 'number' || !Number.isInteger(v))
      return `value ${String(v)} at index ${i} is not an integer`;
    if (v < 0) return `value ${v} at index ${i} is below the lower bound 0`;
    if (v >= (nvec[i] as number))
      return `value ${v} at index ${i} is above the upper bound ${(nvec[i] as number) - 1}`;
  }
  return undefined;
}
