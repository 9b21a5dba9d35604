import { SimulationError } from '../errors.js';

/**
 * The simulator's future-event list: a 4-ary min-heap ordered by (time, sequence).
 *
 * Following SimPy's kernel, an event is pushed with a strictly increasing insertion
 * counter, so events at equal times pop in the order they were scheduled and every run
 * is deterministic: (time, sequence) is a strict total order, so the pop order does not
 * depend on the heap's shape. An event is three integers (`kind`, `a`, `b`) interpreted
 * by the simulation's dispatcher; it carries no closure, so scheduling allocates nothing.
 *
 * Why typed arrays: the hot loop of a run pushes and pops tens of millions of events.
 * Slot i of the heap is `keys[2i]` (time), `keys[2i + 1]` (sequence) and `data[4i …
 * 4i + 2]` (kind, a, b): two contiguous buffers, free of per-event garbage, that grow by
 * doubling and never shrink. Four children per node halve the depth of a binary heap, and
 * a node's children share a cache line or two.
 */
export class EventQueue {
  /** [time, sequence] per slot. */
  private keys: Float64Array;
  /** [kind, a, b, unused] per slot. */
  private data: Int32Array;
  private capacity: number;
  private count = 0;
  private nextSeq = 0;
  private nowSeconds = 0;

  /** The kind, `a` and `b` of the event most recently returned by `pop()`. */
  kind = 0;
  a = 0;
  b = 0;

  constructor(initialCapacity = 1024) {
    this.capacity = Math.max(1, initialCapacity);
    this.keys = new Float64Array(2 * this.capacity);
    this.data = new Int32Array(4 * this.capacity);
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
    return this.count > 0 ? this.keys[0]! : Infinity;
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
    if (this.count === this.capacity) this.grow();
    const seq = this.nextSeq++;
    const keys = this.keys;
    const data = this.data;
    // Sift up: move the hole from the end towards the root. A new event has the largest
    // sequence, so it goes above a parent only if strictly earlier.
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      if (!(timeSeconds < keys[2 * parent]!)) break;
      keys[2 * i] = keys[2 * parent]!;
      keys[2 * i + 1] = keys[2 * parent + 1]!;
      data[4 * i] = data[4 * parent]!;
      data[4 * i + 1] = data[4 * parent + 1]!;
      data[4 * i + 2] = data[4 * parent + 2]!;
      i = parent;
    }
    keys[2 * i] = timeSeconds;
    keys[2 * i + 1] = seq;
    data[4 * i] = kind;
    data[4 * i + 1] = a;
    data[4 * i + 2] = b;
  }

  /**
   * Removes the earliest event, advances `now` to its time and exposes it through
   * `kind`, `a` and `b`. Returns false when the queue is empty.
   */
  pop(): boolean {
    if (this.count === 0) return false;
    const keys = this.keys;
    const data = this.data;
    this.nowSeconds = keys[0]!;
    this.kind = data[0]!;
    this.a = data[1]!;
    this.b = data[2]!;
    const last = --this.count;
    if (last === 0) return true;
    const t = keys[2 * last]!;
    const s = keys[2 * last + 1]!;
    // Sift down: move the hole from the root towards the leaves.
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= last) break;
      // The earliest of up to four children.
      let child = first;
      let ct = keys[2 * first]!;
      let cs = keys[2 * first + 1]!;
      const end = first + 4 < last ? first + 4 : last;
      for (let c = first + 1; c < end; c++) {
        const xt = keys[2 * c]!;
        if (xt < ct || (xt === ct && keys[2 * c + 1]! < cs)) {
          child = c;
          ct = xt;
          cs = keys[2 * c + 1]!;
        }
      }
      if (t < ct || (t === ct && s < cs)) break;
      keys[2 * i] = ct;
      keys[2 * i + 1] = cs;
      data[4 * i] = data[4 * child]!;
      data[4 * i + 1] = data[4 * child + 1]!;
      data[4 * i + 2] = data[4 * child + 2]!;
      i = child;
    }
    keys[2 * i] = t;
    keys[2 * i + 1] = s;
    data[4 * i] = data[4 * last]!;
    data[4 * i + 1] = data[4 * last + 1]!;
    data[4 * i + 2] = data[4 * last + 2]!;
    return true;
  }

  private grow(): void {
    this.capacity *= 2;
    const keys = new Float64Array(2 * this.capacity);
    keys.set(this.keys);
    const data = new Int32Array(4 * this.capacity);
    data.set(this.data);
    this.keys = keys;
    this.data = data;
  }
}
