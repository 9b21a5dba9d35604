import { Ring } from './ring.js';
import type { Scheduler } from './scheduler.js';

/** First in, first out across all tenants; tail drop when full. */
export class FifoScheduler implements Scheduler {
  private readonly ring = new Ring(64);

  get length(): number {
    return this.ring.length;
  }

  enqueue(handle: number): void {
    this.ring.push(handle, 0, 0);
  }

  dequeue(): number {
    return this.ring.length > 0 ? this.ring.shift() : -1;
  }

  evictFor(): number {
    return -1;
  }
}
