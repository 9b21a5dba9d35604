/**
 * In-process enforcement of a decision part: the ingress token bucket of each tenant,
 * probabilistic shedding, per-tenant and service-wide concurrency limits, and a
 * priority queue for requests waiting for a slot (larger priority first, FIFO within a
 * priority; a request that waited longer than its queue-delay threshold is turned away).
 *
 * The part in force is read on every request (`decision()`, e.g. from
 * `GovernorClient.inForce`), so a new decision or a lease running out applies at once.
 * Fair-share weights are not enforced here; `knobs(tenant)` hands them to the service's
 * own scheduler.
 */
import type { AdmissionKnobs, RejectReason } from '../../sim-cluster/enforcement.js';
import type { DecisionPart } from '../protocol.js';
import { PriorityQueue } from './priority-queue.js';
import { TokenBucket } from './token-bucket.js';

/** A request let in: call `release()` exactly once when it finishes. */
export interface Permit {
  readonly admitted: true;
  /** Seconds the request waited in the queue. */
  readonly waitedSeconds: number;
  release(): void;
}

export type Verdict = Permit | { readonly admitted: false; readonly reason: RejectReason };

export interface EnforcerOptions {
  /** The service whose `services.<name>` knobs apply here. */
  readonly service: string;
  /** The decision part in force (read on every request). */
  readonly decision: () => DecisionPart;
  /** Seconds on a monotone clock (default `performance.now() / 1000`). */
  readonly clock?: () => number;
  /** Uniform [0, 1) draws for probabilistic shedding (inject a seeded one in tests). */
  readonly random?: () => number;
  /** Most requests waiting for a slot (default 1000); more are rejected `queue-full`. */
  readonly maxQueue?: number;
}

interface Waiter {
  readonly tenant: string;
  readonly since: number;
  readonly resolve: (v: Verdict) => void;
  timer: ReturnType<typeof setTimeout> | null;
}

export class Enforcer {
  private readonly buckets = new Map<
    string,
    { bucket: TokenBucket; rate: number; burst: number }
  >();
  private readonly inFlight = new Map<string, number>();
  private total = 0;
  private readonly queue = new PriorityQueue<Waiter>();
  private readonly clock: () => number;
  private readonly random: () => number;

  constructor(private readonly options: EnforcerOptions) {
    this.clock = options.clock ?? (() => performance.now() / 1000);
    this.random = options.random ?? Math.random;
  }

  /** Requests of `tenant` in flight, and of every tenant. */
  inFlightOf(tenant?: string): number {
    return tenant === undefined ? this.total : (this.inFlight.get(tenant) ?? 0);
  }

  get waiting(): number {
    return this.queue.size;
  }

  /** The admission knobs for `tenant` here: tenant-wide, overridden per service. */
  knobs(tenant: string): AdmissionKnobs {
    const part = this.options.decision();
    const { rateLimit: _r, deadlineAdmission: _d, ...wide } = part.tenants?.[tenant] ?? {};
    return { ...wide, ...part.services?.[this.options.service]?.tenants?.[tenant] };
  }

  /** Decides on one request of `tenant`: admitted now, after queueing, or rejected. */
  admit(tenant: string): Promise<Verdict> {
    const now = this.clock();
    if (!this.takeToken(tenant, now))
      return Promise.resolve({ admitted: false, reason: 'rate-limit' });
    const knobs = this.knobs(tenant);
    if (knobs.admitProbability !== undefined && this.random() >= knobs.admitProbability)
      return Promise.resolve({ admitted: false, reason: 'shed' });
    if (this.queue.size === 0 && this.fits(tenant)) return Promise.resolve(this.grant(tenant, now));
    if (this.queue.size >= (this.options.maxQueue ?? 1000))
      return Promise.resolve({ admitted: false, reason: 'queue-full' });
    return new Promise((resolve) => {
      const waiter: Waiter = { tenant, since: now, resolve, timer: null };
      const threshold = knobs.queueDelayThreshold ?? this.serviceWide().queueDelayThreshold;
      if (threshold !== undefined && Number.isFinite(threshold)) {
        waiter.timer = setTimeout(() => {
          this.queue.removeWhere((w) => w === waiter);
          resolve({ admitted: false, reason: 'queue-delay' });
        }, threshold * 1000);
      }
      this.queue.push(waiter, knobs.priority ?? 0);
    });
  }

  private serviceWide() {
    return this.options.decision().services?.[this.options.service] ?? {};
  }

  private takeToken(tenant: string, now: number): boolean {
    const limit = this.options.decision().tenants?.[tenant]?.rateLimit;
    if (limit === undefined) {
      this.buckets.delete(tenant);
      return true;
    }
    const entry = this.buckets.get(tenant);
    if (entry === undefined) {
      const bucket = new TokenBucket(limit.ratePerSecond, limit.burst, now);
      this.buckets.set(tenant, { bucket, rate: limit.ratePerSecond, burst: limit.burst });
      return bucket.tryTake(now);
    }
    if (entry.rate !== limit.ratePerSecond || entry.burst !== limit.burst) {
      entry.bucket.reconfigure(limit.ratePerSecond, limit.burst, now);
      entry.rate = limit.ratePerSecond;
      entry.burst = limit.burst;
    }
    return entry.bucket.tryTake(now);
  }

  /** Whether one more request of `tenant` fits under both concurrency limits. */
  private fits(tenant: string): boolean {
    const tenantLimit = slots(this.knobs(tenant).concurrencyLimit);
    const serviceLimit = slots(this.serviceWide().concurrencyLimit);
    return this.inFlightOf(tenant) < tenantLimit && this.total < serviceLimit;
  }

  private grant(tenant: string, since: number): Permit {
    this.inFlight.set(tenant, this.inFlightOf(tenant) + 1);
    this.total++;
    let released = false;
    return {
      admitted: true,
      waitedSeconds: this.clock() - since,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight.set(tenant, this.inFlightOf(tenant) - 1);
        this.total--;
        this.dispatch();
      },
    };
  }

  /** Lets waiting requests in, highest priority first, while they fit. */
  private dispatch(): void {
    const skipped: { waiter: Waiter; priority: number }[] = [];
    while (this.queue.size > 0 && this.total < slots(this.serviceWide().concurrencyLimit)) {
      const waiter = this.queue.shift()!;
      if (!this.fits(waiter.tenant)) {
        skipped.push({ waiter, priority: this.knobs(waiter.tenant).priority ?? 0 });
        continue;
      }
      if (waiter.timer !== null) clearTimeout(waiter.timer);
      waiter.resolve(this.grant(waiter.tenant, waiter.since));
    }
    for (const s of skipped) this.queue.push(s.waiter, s.priority);
  }
}

/** A concurrency limit as a whole number of slots (at least 1; none: unlimited). */
function slots(limit: number | undefined): number {
  return limit === undefined ? Infinity : Math.max(1, Math.floor(limit));
}
