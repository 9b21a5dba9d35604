import { Ring } from './ring.js';
import type { Scheduler, TenantControls } from './scheduler.js';

/**
 * Strict priority by tenant (`TenantControls.priority`, larger first), FIFO within a
 * priority level (ties between tenants go to the request that arrived first). Tail drop.
 */
export class PriorityScheduler implements Scheduler {
  private readonly queues: Ring[];
  private seq = 0;
  private count = 0;

  constructor(private readonly controls: TenantControls) {
    this.queues = Array.from({ length: controls.weight.length }, () => new Ring());
  }

  get length(): number {
    return this.count;
  }

  enqueue(handle: number, tenant: number): void {
    this.queues[tenant]!.push(handle, this.seq++, 0);
    this.count++;
  }

  dequeue(): number {
    let best = -1;
    let bestPriority = -Infinity;
    let bestSeq = Infinity;
    for (let t = 0; t < this.queues.length; t++) {
      const q = this.queues[t]!;
      if (q.length === 0) continue;
      const p = this.controls.priority[t]!;
      const s = q.peekTagA();
      if (p > bestPriority || (p === bestPriority && s < bestSeq)) {
        best = t;
        bestPriority = p;
        bestSeq = s;
      }
    }
    if (best < 0) return -1;
    this.count--;
    return this.queues[best]!.shift();
  }

  evictFor(): number {
    return -1;
  }
}
