import { Ring } from './ring.js';
import type { Scheduler, TenantControls } from './scheduler.js';
import { pushOutVictim } from './push-out.js';

/**
 * 2DFQ (Mace et al., "2DFQ: Two-Dimensional Fair Queuing for Multi-Tenant Cloud
 * Services", SIGCOMM 2016): a fair queue for a pool of workers serving requests of very
 * different cost. Tags are WFQ's (start S = max(V, F_t), finish F = S + l / weight_t), but
 * worker i of n may take a tenant's head only if it is eligible there:
 * S − (i / n) · l ≤ V; among eligible heads it takes the smallest finish tag. Expensive
 * tenants' heads become eligible early only on high-index workers, so their requests
 * drift to those workers and cheap requests keep the low-index ones — the "second
 * dimension" that WFQ lacks, which lets cheap requests stall behind a burst of expensive
 * ones on every worker at once.
 *
 * Costs are unknown in advance (2DFQ^E): a request's cost l is the tenant's pessimistic
 * estimate — the largest profiled cost of its recent requests, decaying towards newer
 * ones by `ESTIMATE_DECAY` per request — never a sampled work time.
 *
 * Virtual time follows WF²Q+ (Bennett and Zhang, 1997): each dispatch advances V by the
 * request's cost over the backlogged tenants' total weight, and V is never below the
 * smallest head start tag, so that head is always eligible and the queue is
 * work-conserving.
 *
 * Simplifications: the eligibility constant i / n follows
 * BASELINES.md (exact constants unverified). Ties go to the lower tenant index.
 */
export class TwoDfqScheduler implements Scheduler {
  /** Weight of the old estimate when a tenant's new request is cheaper (tunable). */
  static readonly ESTIMATE_DECAY = 0.99;
  private readonly queues: Ring[];
  private readonly lastFinish: Float64Array;
  /** Pessimistic per-tenant cost estimate l_t (seconds). */
  private readonly estimate: Float64Array;
  private virtualTime = 0;
  private count = 0;

  constructor(private readonly controls: TenantControls) {
    const n = controls.weight.length;
    this.queues = Array.from({ length: n }, () => new Ring());
    this.lastFinish = new Float64Array(n);
    this.estimate = new Float64Array(n);
  }

  get length(): number {
    return this.count;
  }

  enqueue(handle: number, tenant: number, costSeconds: number): void {
    const d = TwoDfqScheduler.ESTIMATE_DECAY;
    const l = Math.max(costSeconds, d * this.estimate[tenant]! + (1 - d) * costSeconds);
    this.estimate[tenant] = l;
    const start = Math.max(this.virtualTime, this.lastFinish[tenant]!);
    const finish = start + l / this.controls.weight[tenant]!;
    this.lastFinish[tenant] = finish;
    this.queues[tenant]!.push(handle, start, finish);
    this.count++;
  }

  dequeue(_nowSeconds: number, workerIndex: number, workers: number): number {
    if (this.count === 0) return -1;
    const weight = this.controls.weight;
    let minStart = Infinity;
    let backloggedWeight = 0;
    for (let t = 0; t < this.queues.length; t++) {
      const q = this.queues[t]!;
      if (q.length === 0) continue;
      backloggedWeight += weight[t]!;
      if (q.peekTagA() < minStart) minStart = q.peekTagA();
    }
    if (minStart > this.virtualTime) this.virtualTime = minStart;
    const position = workers > 0 ? Math.min(workerIndex, workers - 1) / workers : 0;
    let best = -1;
    let bestFinish = Infinity;
    for (let t = 0; t < this.queues.length; t++) {
      const q = this.queues[t]!;
      if (q.length === 0) continue;
      const start = q.peekTagA();
      const finish = q.peekTagB();
      // The head's cost l is its tags' span times the weight; eligibility shifts by (i/n)·l.
      const cost = (finish - start) * weight[t]!;
      if (start - position * cost <= this.virtualTime && finish < bestFinish) {
        best = t;
        bestFinish = finish;
      }
    }
    // The fluid system's clock advances by the work handed out over the backlogged weight.
    const q = this.queues[best]!;
    this.virtualTime += ((q.peekTagB() - q.peekTagA()) * weight[best]!) / backloggedWeight;
    this.count--;
    return q.shift();
  }

  evictFor(tenant: number): number {
    const victim = pushOutVictim(this.queues, this.controls.weight, tenant);
    if (victim < 0) return -1;
    const q = this.queues[victim]!;
    this.lastFinish[victim] = q.backTagA();
    this.count--;
    return q.pop();
  }
}
