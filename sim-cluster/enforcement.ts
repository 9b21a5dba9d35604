/**
 * Enforcement points: the knobs a controller sets once per control interval, and the
 * state that applies them inside the simulator (DESIGN.md's `Decision`).
 *
 * A decision is complete: a knob it leaves out returns to its default (no limit, the
 * scenario's weight, priority 0), so applying the same decision twice is idempotent and
 * a controller never depends on what an earlier decision said. Knobs are addressed by
 * tenant and service names, so a decision means the same in the simulator, the RL env
 * and the daemon.
 */
import { InvalidArgumentError } from './errors.js';

/** Knobs for one tenant at one service (or at every service, in `TenantDecision`). */
export interface AdmissionKnobs {
  /** Fair-share weight at the services' schedulers (> 0); default: the tenant's weight. */
  readonly weight?: number;
  /** Strict priority at `priority` schedulers; larger first; default 0. */
  readonly priority?: number;
  /** Most hops of this tenant a service may hold at once (all replicas); default none. */
  readonly concurrencyLimit?: number;
  /** A hop that waited longer than this many seconds for a worker is dropped; default none. */
  readonly queueDelayThreshold?: number;
  /** Probability in [0, 1] that a hop is admitted (probabilistic shedding); default 1. */
  readonly admitProbability?: number;
}

/** Everything a decision sets for one tenant. */
export interface TenantDecision extends AdmissionKnobs {
  /** Ingress token bucket: requests per second and burst size; default unlimited. */
  readonly rateLimit?: { readonly ratePerSecond: number; readonly burst: number };
  /**
   * Proactive (Clockwork-style) admission at the ingress: a request whose predicted
   * latency (`predict.ts`) exceeds (1 − slack) × the tenant's SLO latency is rejected
   * on arrival (reason `deadline`). `slack` in [0, 1) is the fraction of the SLO held
   * back for prediction error. Default: off.
   */
  readonly deadlineAdmission?: { readonly slack: number };
}

/** Service-wide knobs, plus per-tenant overrides at that service. */
export interface ServiceDecision {
  /** Most hops the service may hold at once over all tenants (all replicas). */
  readonly concurrencyLimit?: number;
  /** A hop that waited longer than this many seconds for a worker is dropped. */
  readonly queueDelayThreshold?: number;
  readonly tenants?: Readonly<Record<string, AdmissionKnobs>>;
}

/** What a controller sets for the next window(s). */
export interface Decision {
  /** Monotone counter of the controller's decisions. */
  readonly epoch: number;
  /** Seconds the decision stays in force if no newer one arrives; then defaults return. */
  readonly ttlSeconds: number;
  readonly tenants?: Readonly<Record<string, TenantDecision>>;
  readonly services?: Readonly<Record<string, ServiceDecision>>;
}

/** Why a request or hop was turned away. */
export const REJECT_REASONS = [
  'rate-limit',
  'shed',
  'concurrency',
  'queue-delay',
  'queue-full',
  'unavailable',
  'deadline',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];
export const enum Reject {
  RateLimit = 0,
  Shed = 1,
  Concurrency = 2,
  QueueDelay = 3,
  QueueFull = 4,
  Unavailable = 5,
  /** Predicted to miss its deadline at admission (`deadlineAdmission`). */
  Deadline = 6,
}

/**
 * The live enforcement state of a run, in flat typed arrays indexed by tenant t and
 * service s (`s × tenants + t`): the simulator reads it on every arrival and hop.
 */
export class EnforcementState {
  readonly tenants: number;
  // Ingress token buckets.
  readonly bucketRate: Float64Array;
  readonly bucketBurst: Float64Array;
  readonly bucketTokens: Float64Array;
  readonly bucketAt: Float64Array;
  /** Per service, per tenant: live scheduler weights and priorities (read by schedulers). */
  readonly weight: Float64Array[];
  readonly priority: Float64Array[];
  readonly tenantConcurrency: Float64Array;
  readonly tenantQueueDelay: Float64Array;
  readonly admitProbability: Float64Array;
  readonly serviceConcurrency: Float64Array;
  readonly serviceQueueDelay: Float64Array;
  /** Per tenant: deadline-admission slack in [0, 1), or Infinity when off. */
  readonly deadlineSlack: Float64Array;
  /** Hops each tenant holds at each service, and each service in all. */
  readonly tenantOutstanding: Int32Array;
  readonly serviceOutstanding: Int32Array;
  /** Scratch for `apply`: tenants whose bucket the decision sets. */
  private readonly limited: Uint8Array;
  /** Epoch and expiry of the decision in force (-1 / Infinity: none). */
  epoch = -1;
  expiresAt = Infinity;

  constructor(
    private readonly tenantNames: readonly string[],
    private readonly serviceNames: readonly string[],
    private readonly defaultWeights: readonly number[],
  ) {
    const t = tenantNames.length;
    const s = serviceNames.length;
    this.tenants = t;
    this.bucketRate = new Float64Array(t).fill(Infinity);
    this.bucketBurst = new Float64Array(t).fill(Infinity);
    this.bucketTokens = new Float64Array(t).fill(Infinity);
    this.bucketAt = new Float64Array(t);
    this.weight = serviceNames.map(() => new Float64Array(defaultWeights));
    this.priority = serviceNames.map(() => new Float64Array(t));
    this.tenantConcurrency = new Float64Array(s * t).fill(Infinity);
    this.tenantQueueDelay = new Float64Array(s * t).fill(Infinity);
    this.admitProbability = new Float64Array(s * t).fill(1);
    this.serviceConcurrency = new Float64Array(s).fill(Infinity);
    this.serviceQueueDelay = new Float64Array(s).fill(Infinity);
    this.deadlineSlack = new Float64Array(t).fill(Infinity);
    this.tenantOutstanding = new Int32Array(s * t);
    this.serviceOutstanding = new Int32Array(s);
    this.limited = new Uint8Array(t);
  }

  /** Takes one token from tenant `t`'s ingress bucket at `now`; false when it is empty. */
  takeToken(t: number, nowSeconds: number): boolean {
    const rate = this.bucketRate[t]!;
    if (rate === Infinity) return true;
    const burst = this.bucketBurst[t]!;
    const tokens = Math.min(burst, this.bucketTokens[t]! + (nowSeconds - this.bucketAt[t]!) * rate);
    this.bucketAt[t] = nowSeconds;
    if (tokens < 1) {
      this.bucketTokens[t] = tokens;
      return false;
    }
    this.bucketTokens[t] = tokens - 1;
    return true;
  }

  /** Installs `decision` at `now`, replacing the previous one entirely. */
  apply(decision: Decision, nowSeconds: number): void {
    if (!(decision.ttlSeconds > 0)) {
      throw new InvalidArgumentError(`decision ttlSeconds must be > 0, got ${decision.ttlSeconds}`);
    }
    this.resetKnobs();
    this.epoch = decision.epoch;
    this.expiresAt = nowSeconds + decision.ttlSeconds;
    const limited = this.limited.fill(0);
    for (const [name, d] of Object.entries(decision.tenants ?? {})) {
      const t = this.indexOf(this.tenantNames, name, 'tenant');
      if (d.rateLimit !== undefined) {
        this.setBucket(t, d.rateLimit.ratePerSecond, d.rateLimit.burst, nowSeconds);
        limited[t] = 1;
      }
      for (let s = 0; s < this.serviceNames.length; s++) this.setKnobs(s, t, d, -1);
      this.deadlineSlack[t] =
        d.deadlineAdmission === undefined
          ? Infinity
          : slack(d.deadlineAdmission.slack, `tenants.${name}.deadlineAdmission.slack`);
    }
    for (let t = 0; t < this.tenants; t++) {
      if (limited[t] === 0) this.setBucket(t, Infinity, Infinity, nowSeconds);
    }
    for (const [name, d] of Object.entries(decision.services ?? {})) {
      const s = this.indexOf(this.serviceNames, name, 'service');
      if (d.concurrencyLimit !== undefined)
        this.serviceConcurrency[s] = positive(
          d.concurrencyLimit,
          `services.${name}.concurrencyLimit`,
        );
      if (d.queueDelayThreshold !== undefined) {
        this.serviceQueueDelay[s] = positive(
          d.queueDelayThreshold,
          `services.${name}.queueDelayThreshold`,
        );
      }
      for (const [tenant, knobs] of Object.entries(d.tenants ?? {}))
        this.setKnobs(s, this.indexOf(this.tenantNames, tenant, 'tenant'), knobs, s);
    }
  }

  /** Returns every knob to its default (no control). */
  reset(nowSeconds: number): void {
    for (let t = 0; t < this.tenants; t++) this.setBucket(t, Infinity, Infinity, nowSeconds);
    this.resetKnobs();
  }

  private resetKnobs(): void {
    this.weight.forEach((w) => w.set(this.defaultWeights));
    this.priority.forEach((p) => p.fill(0));
    this.tenantConcurrency.fill(Infinity);
    this.tenantQueueDelay.fill(Infinity);
    this.admitProbability.fill(1);
    this.serviceConcurrency.fill(Infinity);
    this.serviceQueueDelay.fill(Infinity);
    this.deadlineSlack.fill(Infinity);
    this.epoch = -1;
    this.expiresAt = Infinity;
  }

  private setBucket(t: number, rate: number, burst: number, nowSeconds: number): void {
    if (!(rate >= 0))
      throw new InvalidArgumentError(`rateLimit.ratePerSecond must be >= 0, got ${rate}`);
    if (!(burst >= 1)) throw new InvalidArgumentError(`rateLimit.burst must be >= 1, got ${burst}`);
    // A bucket keeps the tokens it had, refilled up to now and capped by the new burst;
    // a bucket that was unlimited starts full.
    const oldRate = this.bucketRate[t]!;
    const had =
      oldRate === Infinity
        ? burst
        : this.bucketTokens[t]! + (nowSeconds - this.bucketAt[t]!) * oldRate;
    this.bucketRate[t] = rate;
    this.bucketBurst[t] = burst;
    this.bucketTokens[t] = Math.min(had, burst);
    this.bucketAt[t] = nowSeconds;
  }

  /**
   * Sets tenant `t`'s knobs `k` at service `s`, from `decision.tenants` (`from` = -1) or
   * from `decision.services[from].tenants`. The field path for an error message is built
   * only when a value is bad: this runs for every service and tenant of every decision.
   */
  private setKnobs(s: number, t: number, k: AdmissionKnobs, from: number): void {
    const i = s * this.tenants + t;
    if (k.weight !== undefined) this.weight[s]![t] = this.positive(k.weight, from, t, 'weight');
    if (k.priority !== undefined) {
      const p = k.priority;
      if (!Number.isFinite(p)) finite(p, this.knobPath(from, t, 'priority'));
      this.priority[s]![t] = p;
    }
    if (k.concurrencyLimit !== undefined)
      this.tenantConcurrency[i] = this.positive(k.concurrencyLimit, from, t, 'concurrencyLimit');
    if (k.queueDelayThreshold !== undefined)
      this.tenantQueueDelay[i] = this.positive(
        k.queueDelayThreshold,
        from,
        t,
        'queueDelayThreshold',
      );
    if (k.admitProbability !== undefined) {
      const p = k.admitProbability;
      if (!(p >= 0 && p <= 1))
        throw new InvalidArgumentError(
          `${this.knobPath(from, t, 'admitProbability')} must be in [0, 1], got ${p}`,
        );
      this.admitProbability[i] = p;
    }
  }

  private positive(value: number, from: number, t: number, knob: string): number {
    return value > 0 ? value : positive(value, this.knobPath(from, t, knob));
  }

  /** The decision field a knob came from, e.g. `services.api.tenants.gold.weight`. */
  private knobPath(from: number, t: number, knob: string): string {
    const tenant = `tenants.${this.tenantNames[t]}.${knob}`;
    return from < 0 ? tenant : `services.${this.serviceNames[from]}.${tenant}`;
  }

  private indexOf(names: readonly string[], name: string, what: string): number {
    const i = names.indexOf(name);
    if (i < 0)
      throw new InvalidArgumentError(
        `decision names unknown ${what} '${name}' (known: ${names.join(', ')})`,
      );
    return i;
  }
}

function positive(value: number, path: string): number {
  if (!(value > 0)) throw new InvalidArgumentError(`${path} must be > 0, got ${value}`);
  return value;
}

function slack(value: number, path: string): number {
  if (!(value >= 0 && value < 1))
    throw new InvalidArgumentError(`${path} must be in [0, 1), got ${value}`);
  return value;
}

function finite(value: number, path: string): number {
  if (!Number.isFinite(value))
    throw new InvalidArgumentError(`${path} must be a finite number, got ${value}`);
  return value;
}
