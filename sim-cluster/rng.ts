/**
 * Seeded random streams, one per concern (STYLE.md, "Own your randomness").
 *
 * A `RngStream` is derived from a master seed and a name (`arrivals`, `service-times`,
 * `routing`, `faults`, `policy`, `minibatch`...), so adding a draw in one concern never
 * shifts the draws of another. Streams are xor4096 generators from seedrandom (Brent's
 * xorgens, period 2^4096 - 1), read through `.double()` for 53 bits of resolution.
 */
import seedrandom from 'seedrandom';

/** A seeded source of uniform doubles in [0, 1). Never shared between concerns. */
export class RngStream {
  /** The label this stream was derived from, for error messages and debugging. */
  readonly label: string;
  /** The master seed this stream was derived from. */
  readonly seed: number | string;
  private readonly prng: seedrandom.PRNG;

  constructor(seed: number | string, label = 'root') {
    this.seed = seed;
    this.label = label;
    this.prng = seedrandom.xor4096(`governor:${String(seed)}:${label}`);
  }

  /** A uniform double in [0, 1) with 53 bits of resolution. */
  next(): number {
    return this.prng.double();
  }

  /** A uniform double in (0, 1]: safe to take the logarithm of. */
  nextOpen(): number {
    return 1 - this.prng.double();
  }

  /** A uniform integer in [0, n). `n` must be a positive integer. */
  nextInt(n: number): number {
    return Math.floor(this.prng.double() * n);
  }

  /** A derived, independent stream named `${label}/${name}`. */
  fork(name: string): RngStream {
    return new RngStream(this.seed, `${this.label}/${name}`);
  }
}

/**
 * The root of a run's randomness: hands out one named stream per concern.
 * `streams.get('arrivals')` always returns the same stream object for a name.
 */
export class RngStreams {
  readonly seed: number;
  private readonly byName = new Map<string, RngStream>();

  constructor(seed: number) {
    this.seed = seed;
  }

  /** The stream for `concern`, created on first use. */
  get(concern: string): RngStream {
    let stream = this.byName.get(concern);
    if (stream === undefined) {
      stream = new RngStream(this.seed, concern);
      this.byName.set(concern, stream);
    }
    return stream;
  }
}
