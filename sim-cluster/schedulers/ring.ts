/**
 * A growable ring buffer of (handle, tagA, tagB) entries in typed arrays: the storage
 * behind every scheduler. Growing doubles the buffers; nothing is allocated per entry.
 */
export class Ring {
  private handles: Int32Array;
  private tagsA: Float64Array;
  private tagsB: Float64Array;
  private head = 0;
  private count = 0;

  constructor(initialCapacity = 16) {
    this.handles = new Int32Array(initialCapacity);
    this.tagsA = new Float64Array(initialCapacity);
    this.tagsB = new Float64Array(initialCapacity);
  }

  get length(): number {
    return this.count;
  }

  push(handle: number, tagA: number, tagB: number): void {
    if (this.count === this.handles.length) this.grow();
    const i = (this.head + this.count) & (this.handles.length - 1);
    this.handles[i] = handle;
    this.tagsA[i] = tagA;
    this.tagsB[i] = tagB;
    this.count++;
  }

  /** Handle at the front; only valid when `length > 0`. */
  peekHandle(): number {
    return this.handles[this.head]!;
  }

  peekTagA(): number {
    return this.tagsA[this.head]!;
  }

  peekTagB(): number {
    return this.tagsB[this.head]!;
  }

  /** Removes the front entry and returns its handle. */
  shift(): number {
    const h = this.handles[this.head]!;
    this.head = (this.head + 1) & (this.handles.length - 1);
    this.count--;
    return h;
  }

  /** Tag A of the back entry; only valid when `length > 0`. */
  backTagA(): number {
    return this.tagsA[(this.head + this.count - 1) & (this.handles.length - 1)]!;
  }

  /** Removes the back entry and returns its handle. */
  pop(): number {
    this.count--;
    return this.handles[(this.head + this.count) & (this.handles.length - 1)]!;
  }

  // Capacities stay powers of two so that wrapping is a mask, not a division.
  private grow(): void {
    const n = this.handles.length * 2;
    const handles = new Int32Array(n);
    const tagsA = new Float64Array(n);
    const tagsB = new Float64Array(n);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (this.handles.length - 1);
      handles[k] = this.handles[i]!;
      tagsA[k] = this.tagsA[i]!;
      tagsB[k] = this.tagsB[i]!;
    }
    this.handles = handles;
    this.tagsA = tagsA;
    this.tagsB = tagsB;
    this.head = 0;
  }
}
