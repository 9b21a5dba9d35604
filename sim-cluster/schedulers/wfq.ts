import { Ring } from './ring.js';
import type { Scheduler, TenantControls } from './scheduler.js';
import { pushOutVictim } from './push-out.js';

/**
 * Weighted fair queueing across tenants, in its self-clocked start-time form (SFQ, Goyal
 * et al. 1996), which suits a pool of workers: a request of tenant t gets start tag
 * S = max(V, F_t) and finish tag F = S + cost / weight_t; a free worker takes the head
 * with the smallest finish tag, and virtual time V becomes its start tag. Costs are the
 * profiled mean work of the call (not the sampled work: a real server cannot know it in
 * advance). Ties go to the lower tenant index, so runs are deterministic.
 */
export class WfqScheduler implements Scheduler {
  private readonly queues: Ring[];
  private readonly lastFinish: Float64Array;
  private virtualTime = 0;
  private count = 0;

  constructor(private readonly controls: TenantControls) {
    const n = controls.weight.length;
    this.queues = Array.from({ length: n }, () => new Ring());
    this.lastFinish = new Float64Array(n);
  }

  get length(): number {
    return this.count;
  }

  enqueue(handle: number, tenant: number, costSeconds: number): void {
    const start = Math.max(this.virtualTime, this.lastFinish[tenant]!);
    const finish = start + costSeconds / this.controls.weight[tenant]!;
    this.lastFinish[tenant] = finish;
    this.queues[tenant]!.push(handle, start, finish);
    this.count++;
  }

  dequeue(): number {
    let best = -1;
    let bestFinish = Infinity;
    for (let t = 0; t < this.queues.length; t++) {
      const q = this.queues[t]!;
      if (q.length > 0 && q.peekTagB() < bestFinish) {
        best = t;
        bestFinish = q.peekTagB();
      }
    }
    if (best < 0) return -1;
    const q = this.queues[best]!;
    this.virtualTime = Math.max(this.virtualTime, q.peekTagA());
    this.count--;
    return q.shift();
  }

  evictFor(tenant: number): number {
    const victim = pushOutVictim(this.queues, this.controls.weight, tenant);
    if (victim < 0) return -1;
    const q = this.queues[victim]!;
    // The pushed-out request never ran: its tenant's clock goes back to its start tag.
    this.lastFinish[victim] = q.backTagA();
    this.count--;
    return q.pop();
  }
}
