import { SimulationError } from '../errors.js';

/**
 * The simulator's future-event list: a binary min-heap ordered by (time, sequence).
 *
 * Following SimPy's kernel, an event is pushed with a strictly increasing insertion
 * counter, so events at equal times pop in the order they were scheduled and every run
 * is deterministic. An event is three integers (`kind`, `a`, `b`) interpreted by the
 * simulation's dispatcher; it carries no closure, so scheduling allocates nothing.
 *
 * Why typed arrays: the hot loop of a run pushes and pops tens of millions of events.
 * Parallel typed arrays keep the heap in a few contiguous buffers, free of per-event
 * garbage; they grow by doubling and never shrink.
 */
export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private as: Int32Array;
  private bs: Int32Array;
  private count = 0;
  private nextSeq = 0;
  private nowSeconds = 0;

  /** The kind, `a` and `b` of the event most recently returned by `pop()`. */
  kind = 0;
  a = 0;
  b = 0;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.seqs = new Float64Array(initialCapacity);
    this.kinds = new Int32Array(initialCapacity);
    this.as = new Int32Array(initialCapacity);
    this.bs = new Int32Array(initialCapacity);
  }

  /** Simulated time of the event most recently popped (seconds). Never decreases. */
  get now(): number {
    return this.nowSeconds;
  }

  /** Number of pending events. */
  get size(): number {
    return this.count;
  }

  /** Total events ever scheduled. */
  get scheduled(): number {
    return this.nextSeq;
  }

  /** Time of the next event, or `Infinity` when none is pending. */
  peekTime(): number {
    return this.count > 0 ? this.times[0]! : Infinity;
  }

  /**
   * Schedules event (`kind`, `a`, `b`) at absolute time `timeSeconds`.
   * Throws when the time is in the past or not a number: that is always a bug.
   */
  push(timeSeconds: number, kind: number, a: number, b: number): void {
    if (!(timeSeconds >= this.nowSeconds)) {
      throw new SimulationError(
        `cannot schedule event kind ${kind} at t=${timeSeconds}: it is before now (t=${this.nowSeconds})`,
      );
    }
    if (this.count === this.times.length) this.grow();
    const seq = this.nextSeq++;
    // Sift up: move the hole from the end towards the root.
    let i = this.count++;
    const times = this.times;
    const seqs = this.seqs;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < timeSeconds || (pt === timeSeconds && seqs[parent]! < seq)) break;
      this.move(parent, i);
      i = parent;
    }
    times[i] = timeSeconds;
    seqs[i] = seq;
    this.kinds[i] = kind;
    this.as[i] = a;
    this.bs[i] = b;
  }

  /**
   * Removes the earliest event, advances `now` to its time and exposes it through
   * `kind`, `a` and `b`. Returns false when the queue is empty.
   */
  pop(): boolean {
    if (this.count === 0) return false;
    const times = this.times;
    const seqs = this.seqs;
    this.nowSeconds = times[0]!;
    this.kind = this.kinds[0]!;
    this.a = this.as[0]!;
    this.b = this.bs[0]!;
    const last = --this.count;
    if (last === 0) return true;
    const t = times[last]!;
    const s = seqs[last]!;
    const k = this.kinds[last]!;
    const a = this.as[last]!;
    const b = this.bs[last]!;
    // Sift down: move the hole from the root towards the leaves.
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      const right = child + 1;
      if (
        right < last &&
        (times[right]! < times[child]! ||
          (times[right] === times[child] && seqs[right]! < seqs[child]!))
      ) {
        child = right;
      }
      const ct = times[child]!;
      if (t < ct || (t === ct && s < seqs[child]!)) break;
      this.move(child, i);
      i = child;
    }
    times[i] = t;
    seqs[i] = s;
    this.kinds[i] = k;
    this.as[i] = a;
    this.bs[i] = b;
    return true;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.kinds[to] = this.kinds[from]!;
    this.as[to] = this.as[from]!;
    this.bs[to] = this.bs[from]!;
  }

  private grow(): void {
    const n = this.times.length * 2;
    const grown = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(n);
      next.set(old);
      return next;
    };
    this.times = grown(this.times, (n) => new Float64Array(n));
    this.seqs = grown(this.seqs, (n) => new Float64Array(n));
    this.kinds = grown(this.kinds, (n) => new Int32Array(n));
    this.as = grown(this.as, (n) => new Int32Array(n));
    this.bs = grown(this.bs, (n) => new Int32Array(n));
  }
}
