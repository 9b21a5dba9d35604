/**
 * The `Space` contract (Gymnasium's `gymnasium.spaces.Space`): the set of valid
 * observations or actions of an env, with seeded sampling and membership.
 *
 * Randomness is never hidden: `sample` takes an explicit `RngStream` (or a seed, from
 * which a fresh stream is derived), so the same stream always yields the same samples.
 */
import { RngStream } from '../../sim-cluster/rng.js';

/** The serialisable description of a space, enough to rebuild it with `spaceFromJson`. */
export type SpaceJson =
  | {
      readonly kind: 'box';
      readonly low: readonly (number | null)[];
      readonly high: readonly (number | null)[];
      readonly shape: readonly number[];
      readonly dtype: 'float32' | 'float64';
    }
  | { readonly kind: 'discrete'; readonly n: number; readonly start: number }
  | { readonly kind: 'multi-discrete'; readonly nvec: readonly number[] }
  | { readonly kind: 'multi-binary'; readonly n: number }
  | { readonly kind: 'dict'; readonly spaces: Readonly<Record<string, SpaceJson>> }
  | { readonly kind: 'tuple'; readonly spaces: readonly SpaceJson[] };

/** A set of values of type `T`. Spaces are immutable after construction. */
export interface Space<T> {
  /** Which kind of space this is; discriminates the space classes. */
  readonly kind: SpaceJson['kind'];
  /** The shape of one element (`[]` for a scalar such as a Discrete value). */
  readonly shape: readonly number[];
  /** One element drawn using only `rng` (or a fresh stream derived from a seed). */
  sample(rng: RngStream | number): T;
  /** Whether `x` is an element of this space (type, shape, dtype and bounds). */
  contains(x: unknown): x is T;
  /**
   * Why `x` is not an element, naming the index, the value and the bound broken;
   * `undefined` when `x` is an element.
   */
  explain(x: unknown): string | undefined;
  /** A short description, e.g. `Box(float32, [4], low=[-4.8,...], high=[4.8,...])`. */
  describe(): string;
  /** The serialisable description of this space. */
  toJson(): SpaceJson;
}

/** The stream `rng`, or a fresh stream derived from the seed `rng`. */
export function toRng(rng: RngStream | number): RngStream {
  return typeof rng === 'number' ? new RngStream(rng, 'space') : rng;
}

/** A standard normal draw (Box–Muller, one value per two uniforms). */
export function standardNormal(rng: RngStream): number {
  const u1 = rng.nextOpen();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** An exponential draw with mean 1. */
export function standardExponential(rng: RngStream): number {
  return -Math.log(rng.nextOpen());
}

/** The product of a shape's dimensions (1 for the scalar shape `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Whether `x` is a safe integer (the element type of Discrete and MultiDiscrete). */
export function isInteger(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x);
}

/** Whether `x` is an array or a typed array, i.e. indexable with a length. */
export function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/** A compact rendering of a vector for descriptions and messages. */
export function formatVector(v: ArrayLike<number>, max = 6): string {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(v.length, max); i++) parts.push(String(v[i]));
  if (v.length > max) parts.push('...');
  return `[${parts.join(',')}]`;
}
