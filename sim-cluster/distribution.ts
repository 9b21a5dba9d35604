import type { RngStream } from './rng.js';

/**
 * A probability distribution over non-negative reals (seconds of work, seconds of
 * latency, sizes). Parameters are validated at construction; `sample` never throws
 * and never allocates, because it sits on the simulator's hot path.
 */
export interface Distribution {
  /** One draw, using only `rng` for randomness. */
  sample(rng: RngStream): number;
  /** The exact mean of the distribution (used by analytic checks and fluid bounds). */
  readonly mean: number;
  /** The exact variance, or `Infinity` when it does not exist. */
  readonly variance: number;
  /** A short human-readable description, e.g. `exponential(mean=0.01)`. */
  describe(): string;
}
