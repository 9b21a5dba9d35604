import type { RngStream } from '../../sim-cluster/rng.js';
import { describeValue } from './box.js';
import type { Space, SpaceJson } from './space.js';
import { toRng } from './space.js';

/** The element type of a Dict space: one value per key. */
export type DictValue = Record<string, unknown>;

/**
 * A record of named sub-spaces (Gymnasium's `Dict`). Keys are kept in sorted order, as in
 * Gymnasium, so flattening and sampling do not depend on the order they were written in.
 * Sub-spaces sample in key order from the one stream given.
 */
export class DictSpace implements Space<DictValue> {
  readonly kind = 'dict' as const;
  readonly shape: readonly number[] = [];
  readonly spaces: Readonly<Record<string, Space<unknown>>>;
  readonly keys: readonly string[];

  constructor(spaces: Readonly<Record<string, Space<unknown>>>) {
    this.keys = Object.keys(spaces).sort();
    const sorted: Record<string, Space<unknown>> = {};
    for (const k of this.keys) sorted[k] = spaces[k] as Space<unknown>;
    this.spaces = sorted;
  }

  sample(rng: RngStream | number): DictValue {
    const r = toRng(rng);
    const out: DictValue = {};
    for (const k of this.keys) out[k] = (this.spaces[k] as Space<unknown>).sample(r);
    return out;
  }

  contains(x: unknown): x is DictValue {
    return this.explain(x) === undefined;
  }

  explain(x: unknown): string | undefined {
    if (typeof x !== 'object' || x === null || Array.isArray(x) || ArrayBuffer.isView(x))
      return `expected an object with keys [${this.keys.join(',')}], got ${describeValue(x)}`;
    const record = x as Record<string, unknown>;
    for (const k of Object.keys(record)) if (!(k in this.spaces)) return `unexpected key '${k}'`;
    for (const k of this.keys) {
      if (!(k in record)) return `missing key '${k}'`;
      const why = (this.spaces[k] as Space<unknown>).explain(record[k]);
      if (why !== undefined) return `at key '${k}': ${why}`;
    }
    return undefined;
  }

  describe(): string {
    return `Dict(${this.keys.map((k) => `${k}: ${(this.spaces[k] as Space<unknown>).describe()}`).join(', ')})`;
  }

  toJson(): SpaceJson {
    const spaces: Record<string, SpaceJson> = {};
    for (const k of this.keys) spaces[k] = (this.spaces[k] as Space<unknown>).toJson();
    return { kind: 'dict', spaces };
  }
}

/** A fixed-length sequence of sub-spaces (Gymnasium's `Tuple`); elements are arrays. */
export class TupleSpace implements Space<unknown[]> {
  readonly kind = 'tuple' as const;
  readonly shape: readonly number[] = [];

  constructor(readonly spaces: readonly Space<unknown>[]) {}

  sample(rng: RngStream | number): unknown[] {
    const r = toRng(rng);
    return this.spaces.map((s) => s.sample(r));
  }

  contains(x: unknown): x is unknown[] {
    return this.explain(x) === undefined;
  }

  explain(x: unknown): string | undefined {
    if (!Array.isArray(x))
      return `expected an Array of length ${this.spaces.length}, got ${describeValue(x)}`;
    if (x.length !== this.spaces.length)
      return `expected length ${this.spaces.length}, got length ${x.length}`;
    for (const [i, s] of this.spaces.entries()) {
      const why = s.explain(x[i]);
      if (why !== undefined) return `at element ${i}: ${why}`;
    }
    return undefined;
  }

  describe(): string {
    return `Tuple(${this.spaces.map((s) => s.describe()).join(', ')})`;
  }

  toJson(): SpaceJson {
    return { kind: 'tuple', spaces: this.spaces.map((s) => s.toJson()) };
  }
}
