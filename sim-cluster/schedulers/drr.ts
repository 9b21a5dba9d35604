import { Ring } from './ring.js';
import type { Scheduler, TenantControls } from './scheduler.js';
import { pushOutVictim } from './push-out.js';

/**
 * Deficit round robin (Shreedhar and Varghese, SIGCOMM 1995) across tenants. Each visit
 * to a backlogged tenant adds `weight × quantum` to its deficit; it is served while its
 * head's cost fits in the deficit. The quantum adapts to the largest cost seen, so every
 * visit serves at least one request of a weight-1 tenant (the O(1) condition of the paper).
 */
export class DrrScheduler implements Scheduler {
  private readonly queues: Ring[];
  private readonly deficit: Float64Array;
  /** Backlogged tenants in round-robin order (a ring of tenant indices). */
  private readonly active: Ring;
  private readonly visited: Uint8Array;
  private quantum = 0;
  private count = 0;

  constructor(private readonly controls: TenantControls) {
    const n = controls.weight.length;
    this.queues = Array.from({ length: n }, () => new Ring());
    this.deficit = new Float64Array(n);
    this.active = new Ring(Math.max(16, 1 << Math.ceil(Math.log2(n + 1))));
    this.visited = new Uint8Array(n);
  }

  get length(): number {
    return this.count;
  }

  enqueue(handle: number, tenant: number, costSeconds: number): void {
    const q = this.queues[tenant]!;
    if (q.length === 0) this.active.push(tenant, 0, 0);
    q.push(handle, costSeconds, 0);
    if (costSeconds > this.quantum) this.quantum = costSeconds;
    this.count++;
  }

  dequeue(): number {
    if (this.count === 0) return -1;
    for (;;) {
      const t = this.active.peekHandle();
      const q = this.queues[t]!;
      if (this.visited[t] === 0) {
        this.deficit[t]! += this.controls.weight[t]! * this.quantum;
        this.visited[t] = 1;
      }
      const cost = q.peekTagA();
      if (cost <= this.deficit[t]!) {
        this.deficit[t]! -= cost;
        this.count--;
        const handle = q.shift();
        if (q.length === 0) {
          this.deficit[t] = 0;
          this.visited[t] = 0;
          this.active.shift();
        }
        return handle;
      }
      this.visited[t] = 0;
      this.active.push(this.active.shift(), 0, 0);
    }
  }

  evictFor(tenant: number): number {
    const victim = pushOutVictim(this.queues, this.controls.weight, tenant);
    if (victim < 0) return -1;
    const q = this.queues[victim]!;
    this.count--;
    const handle = q.pop();
    if (q.length === 0) this.removeActive(victim);
    return handle;
  }

  private removeActive(tenant: number): void {
    this.deficit[tenant] = 0;
    this.visited[tenant] = 0;
    for (let k = this.active.length; k > 0; k--) {
      const t = this.active.shift();
      if (t !== tenant) this.active.push(t, 0, 0);
    }
  }
}
