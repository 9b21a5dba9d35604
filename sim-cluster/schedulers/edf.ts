import type { Scheduler } from './scheduler.js';

/**
 * Earliest deadline first (Liu and Layland, JACM 1973): a free worker takes the waiting
 * request whose deadline — its arrival at the ingress plus its tenant's SLO latency — is
 * earliest; ties go to the request that arrived first. Tail drop when full.
 *
 * Storage: a binary min-heap over (deadline, sequence) in typed arrays, so nothing is
 * allocated per request.
 */
export class EdfScheduler implements Scheduler {
  private handles = new Int32Array(64);
  private deadlines = new Float64Array(64);
  private seqs = new Float64Array(64);
  private count = 0;
  private seq = 0;

  get length(): number {
    return this.count;
  }

  enqueue(
    handle: number,
    _tenant: number,
    _costSeconds: number,
    _nowSeconds: number,
    deadlineSeconds: number,
  ): void {
    if (this.count === this.handles.length) this.grow();
    let i = this.count++;
    const seq = this.seq++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(deadlineSeconds, seq, parent)) break;
      this.move(parent, i);
      i = parent;
    }
    this.handles[i] = handle;
    this.deadlines[i] = deadlineSeconds;
    this.seqs[i] = seq;
  }

  dequeue(): number {
    if (this.count === 0) return -1;
    const top = this.handles[0]!;
    const last = --this.count;
    const handle = this.handles[last]!;
    const deadline = this.deadlines[last]!;
    const seq = this.seqs[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.earlier(child + 1, child)) child++;
      if (!this.before(this.deadlines[child]!, this.seqs[child]!, i, deadline, seq)) break;
      this.move(child, i);
      i = child;
    }
    this.handles[i] = handle;
    this.deadlines[i] = deadline;
    this.seqs[i] = seq;
    return top;
  }

  evictFor(): number {
    return -1;
  }

  /** Whether (deadline, seq) comes before slot j (or before the given pair). */
  private before(deadline: number, seq: number, j: number, dj?: number, sj?: number): boolean {
    const d = dj ?? this.deadlines[j]!;
    const s = sj ?? this.seqs[j]!;
    return deadline < d || (deadline === d && seq < s);
  }

  private earlier(a: number, b: number): boolean {
    return this.before(this.deadlines[a]!, this.seqs[a]!, b);
  }

  private move(from: number, to: number): void {
    this.handles[to] = this.handles[from]!;
    this.deadlines[to] = this.deadlines[from]!;
    this.seqs[to] = this.seqs[from]!;
  }

  private grow(): void {
    const n = this.handles.length * 2;
    const h = new Int32Array(n);
    const d = new Float64Array(n);
    const s = new Float64Array(n);
    h.set(this.handles);
    d.set(this.deadlines);
    s.set(this.seqs);
    this.handles = h;
    this.deadlines = d;
    this.seqs = s;
  }
}
