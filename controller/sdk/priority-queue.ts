/**
 * A waiting line ordered by priority (larger first) and, within a priority, by arrival
 * (FIFO) — a binary heap keyed on (−priority, sequence), so ties never reorder.
 */
export class PriorityQueue<T> {
  private readonly heap: { priority: number; seq: number; item: T }[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(item: T, priority: number): void {
    this.heap.push({ priority, seq: this.seq++, item });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The first item without removing it. */
  peek(): T | undefined {
    return this.heap[0]?.item;
  }

  /** Removes and returns the first item. */
  shift(): T | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.before(l, m)) m = l;
        if (r < this.heap.length && this.before(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top.item;
  }

  /** Removes every item for which `drop` holds (e.g. waited too long); returns them. */
  removeWhere(drop: (item: T) => boolean): T[] {
    const kept = this.heap.filter((e) => !drop(e.item));
    const dropped = this.heap.filter((e) => drop(e.item)).map((e) => e.item);
    this.heap.length = 0;
    for (const e of kept.sort((a, b) => b.priority - a.priority || a.seq - b.seq))
      this.heap.push(e);
    return dropped;
  }

  private before(i: number, j: number): boolean {
    const a = this.heap[i]!;
    const b = this.heap[j]!;
    return a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const t = this.heap[i]!;
    this.heap[i] = this.heap[j]!;
    this.heap[j] = t;
  }
}
