import type { Frame } from './frame.js';
import type { Scheduler } from './schedulers/scheduler.js';

/**
 * One instance of a service: a pool of `workers` on `cores` CPU cores behind a queue.
 *
 * CPU model. Hops that are computing share the cores: with n computing hops on c cores
 * each progresses at rate min(1, c/n) — processor sharing, the fluid model of an OS
 * scheduler time-slicing runnable threads. Blocked workers (waiting on downstream calls)
 * do not compute. When workers never exceed cores, every burst simply takes its work; the
 * simulator then schedules completions directly. Otherwise the replica keeps a virtual
 * clock that advances at the per-hop rate and a min-heap of bursts by virtual finish time,
 * with one pending completion event (invalidated by `psGeneration` when n changes).
 */
export class Replica {
  busyWorkers = 0;
  /** Hops at this replica: queued, computing or waiting on children. */
  outstanding = 0;
  /** Hops currently computing. */
  computing = 0;
  up = true;

  // Processor sharing state (used when `sharing`).
  readonly sharing: boolean;
  virtualSeconds = 0;
  virtualAt = 0;
  psGeneration = 0;
  private readonly heap: Frame[] = [];

  // Time integrals since the start of the run, for utilisation and mean queue length.
  statsAt = 0;
  busyCoreSeconds = 0;
  queueLengthSeconds = 0;

  /** Cores left to the replica's hops (faults may take some away). */
  cores: number;

  /** Which workers are busy (1), by worker index; see `claimWorker`. */
  private readonly workerBusy: Uint8Array;
  /** No worker below this index is free. */
  private freeHint = 0;

  /**
   * @param forceSharing use processor sharing even when workers fit the cores (needed when
   *   a fault may take cores away at run time)
   */
  constructor(
    readonly id: number,
    readonly service: number,
    readonly workers: number,
    readonly configuredCores: number,
    readonly queueCapacity: number,
    readonly queue: Scheduler,
    readonly blocking: boolean,
    forceSharing: boolean,
  ) {
    this.cores = configuredCores;
    this.workerBusy = new Uint8Array(workers);
    this.sharing = forceSharing || workers > configuredCores;
  }

  /** Accumulates the time integrals up to `now`; call before any change they depend on. */
  touch(now: number): void {
    const dt = now - this.statsAt;
    if (dt > 0) {
      const busy = this.computing < this.cores ? this.computing : this.cores;
      this.busyCoreSeconds += dt * busy;
      this.queueLengthSeconds += dt * this.queue.length;
      this.statsAt = now;
    }
  }

  // ---- worker identities (2DFQ serves by worker index) -------------------------------

  /** Index of the worker a hop would get now: the lowest free one (`workers` if none). */
  nextWorker(): number {
    let i = this.freeHint;
    while (i < this.workers && this.workerBusy[i] === 1) i++;
    this.freeHint = i;
    return i;
  }

  /** Marks the lowest free worker busy and returns its index. */
  claimWorker(): number {
    const i = this.nextWorker();
    this.workerBusy[i] = 1;
    this.busyWorkers++;
    return i;
  }

  /** Frees worker `index`. */
  freeWorker(index: number): void {
    this.workerBusy[index] = 0;
    if (index < this.freeHint) this.freeHint = index;
    this.busyWorkers--;
  }

  /** Frees every worker (a crash). */
  freeAllWorkers(): void {
    this.workerBusy.fill(0);
    this.freeHint = 0;
    this.busyWorkers = 0;
  }

  /** Empties the processor-sharing heap (a crash), returning the bursts it held. */
  clearBursts(): Frame[] {
    const bursts = this.heap.splice(0);
    this.psGeneration++;
    return bursts;
  }

  // ---- processor sharing ----------------------------------------------------------

  /** Per-hop progress rate right now: CPU seconds of work done per simulated second. */
  rate(): number {
    return this.computing <= this.cores ? 1 : this.cores / this.computing;
  }

  /** Advances the virtual clock to `now` at the current rate. */
  advance(now: number): void {
    if (this.computing > 0) this.virtualSeconds += (now - this.virtualAt) * this.rate();
    this.virtualAt = now;
  }

  /** Adds a burst of `workSeconds`; the caller has called `advance(now)` and counted it. */
  addBurst(frame: Frame, workSeconds: number): void {
    frame.finishVirtual = this.virtualSeconds + workSeconds;
    const heap = this.heap;
    let i = heap.length;
    heap.push(frame);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!(heap[parent]!.finishVirtual > frame.finishVirtual)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = frame;
  }

  /** The burst that ends first, or undefined. */
  peekBurst(): Frame | undefined {
    return this.heap[0];
  }

  /** Removes the burst that ends first. */
  popBurst(): Frame {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && heap[child + 1]!.finishVirtual < heap[child]!.finishVirtual) child++;
        if (!(heap[child]!.finishVirtual < last.finishVirtual)) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
