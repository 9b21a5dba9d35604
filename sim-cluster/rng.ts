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
  /**
   * Brent's xor4096 state: 128 words of the xorshift array, then the Weyl counter (at
   * index 128). Seeded by seedrandom's own key schedule and then stepped here, so the
   * draws are seedrandom's xor4096 draws bit for bit (tested), without its closures and
   * boxed state fields on the hot path.
   */
  private readonly state = new Int32Array(129);
  private index: number;

  constructor(seed: number | string, label = 'root') {
    this.seed = seed;
    this.label = label;
    const seeded = seedrandom.xor4096(`governor:${String(seed)}:${label}`, { state: true });
    const { X, i, w } = seeded.state();
    this.state.set(X);
    this.state[128] = w;
    this.index = i;
  }

  /** The next 32-bit output of xor4096, as a signed integer (seedrandom's `int32()`). */
  private int32(): number {
    const X = this.state;
    const w = (X[128]! + 0x61c88647) | 0;
    X[128] = w;
    let i = this.index;
    let v = X[(i + 34) & 127]!;
    i = (i + 1) & 127;
    let t = X[i]!;
    v ^= v << 13;
    t ^= t << 17;
    v ^= v >>> 15;
    t ^= t >>> 12;
    v = v ^ t;
    X[i] = v;
    this.index = i;
    return (v + (w ^ (w >>> 16))) | 0;
  }

  /** A uniform double in [0, 1) with 53 bits of resolution (seedrandom's `double()`). */
  next(): number {
    let result: number;
    do {
      const top = this.int32() >>> 11;
      const bot = (this.int32() >>> 0) / 0x100000000;
      result = (top + bot) / (1 << 21);
    } while (result === 0);
    return result;
  }

  /** A uniform double in (0, 1]: safe to take the logarithm of. */
  nextOpen(): number {
    return 1 - this.next();
  }

  /** A uniform integer in [0, n). `n` must be a positive integer. */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
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
