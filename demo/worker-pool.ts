/**
 * A service's bounded worker pool, as the simulator models one replica: `workers`
 * requests are served at once, the rest wait in an unbounded queue ordered by priority
 * (larger first, FIFO within a priority — the controller's `priority` knob). It keeps
 * the time integrals a service report needs: busy worker-seconds and queue-length
 * seconds, plus per-tenant waits and work (worker-seconds held).
 */
import { PriorityQueue } from '../controller/sdk/priority-queue.js';

interface Waiter {
  readonly tenant: string;
  readonly since: number;
  readonly resolve: (grant: WorkerGrant) => void;
}

/** A worker held by one hop: call `release()` once its work is done. */
export interface WorkerGrant {
  readonly waitedSeconds: number;
  release(): void;
}

/** Per-tenant totals over a window. */
export interface TenantUse {
  waits: number;
  waitSeconds: number;
  workSeconds: number;
}

export class WorkerPool {
  private busy = 0;
  private readonly queue = new PriorityQueue<Waiter>();
  private lastAt: number;
  private busyIntegral = 0;
  private queueIntegral = 0;
  private use = new Map<string, TenantUse>();

  constructor(
    readonly workers: number,
    private readonly clock: () => number,
  ) {
    this.lastAt = clock();
  }

  get waiting(): number {
    return this.queue.size;
  }

  /** Resolves when a worker is free for this hop. */
  acquire(tenant: string, priority: number): Promise<WorkerGrant> {
    const now = this.clock();
    this.advance(now);
    return new Promise((resolve) => {
      const waiter: Waiter = { tenant, since: now, resolve };
      if (this.busy < this.workers && this.queue.size === 0) this.grant(waiter, now);
      else this.queue.push(waiter, priority);
    });
  }

  /** Closes the window: busy worker-seconds, queue-length seconds, per-tenant use; resets. */
  closeWindow(): { busySeconds: number; queueSeconds: number; tenants: Map<string, TenantUse> } {
    this.advance(this.clock());
    const out = {
      busySeconds: this.busyIntegral,
      queueSeconds: this.queueIntegral,
      tenants: this.use,
    };
    this.busyIntegral = 0;
    this.queueIntegral = 0;
    this.use = new Map();
    return out;
  }

  private grant(waiter: Waiter, now: number): void {
    this.busy++;
    const u = this.useOf(waiter.tenant);
    u.waits++;
    u.waitSeconds += now - waiter.since;
    let released = false;
    waiter.resolve({
      waitedSeconds: now - waiter.since,
      release: () => {
        if (released) return;
        released = true;
        const at = this.clock();
        this.advance(at);
        this.useOf(waiter.tenant).workSeconds += at - now;
        this.busy--;
        const next = this.queue.shift();
        if (next !== undefined) this.grant(next, at);
      },
    });
  }

  private useOf(tenant: string): TenantUse {
    let u = this.use.get(tenant);
    if (u === undefined) {
      u = { waits: 0, waitSeconds: 0, workSeconds: 0 };
      this.use.set(tenant, u);
    }
    return u;
  }

  private advance(now: number): void {
    const dt = Math.max(0, now - this.lastAt);
    this.busyIntegral += this.busy * dt;
    this.queueIntegral += this.queue.size * dt;
    this.lastAt = Math.max(this.lastAt, now);
  }
}
