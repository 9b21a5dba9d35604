/**
 * Per-window accumulators behind `Signals`. Counters live in flat typed arrays (tenant t,
 * service s at `s × tenants + t`) and are zeroed at each window's end, so collecting
 * telemetry costs a few array increments per event and one small object graph per window.
 */
import { REJECT_REASONS, type RejectReason } from './enforcement.js';
import { LatencyHistogram } from './histogram.js';
import type { ClusterModel } from './model.js';
import type { Replica } from './replica.js';
import type { ServiceSignals, Signals, TenantSignals } from './signals.js';

const REASONS = REJECT_REASONS.length;

export class WindowTelemetry {
  readonly offered: Float64Array;
  readonly admitted: Float64Array;
  readonly rejected: Float64Array;
  /** [t × reasons + reason] */
  readonly rejectedByReason: Float64Array;
  readonly completed: Float64Array;
  readonly failed: Float64Array;
  readonly timedOut: Float64Array;
  readonly retries: Float64Array;
  readonly goodput: Float64Array;
  readonly latency: LatencyHistogram[];
  // Per service × tenant.
  readonly hops: Float64Array;
  readonly hopRejects: Float64Array;
  readonly waitSeconds: Float64Array;
  readonly waits: Float64Array;
  readonly cpuSeconds: Float64Array;
  /** Replica integrals at the window's start. */
  private readonly busyAtStart: Float64Array;
  private readonly queueAtStart: Float64Array;
  private startSeconds = 0;

  constructor(
    private readonly model: ClusterModel,
    replicas: number,
  ) {
    const t = model.tenants.length;
    const st = model.services.length * t;
    const zeros = (n: number) => new Float64Array(n);
    this.offered = zeros(t);
    this.admitted = zeros(t);
    this.rejected = zeros(t);
    this.rejectedByReason = zeros(t * REASONS);
    this.completed = zeros(t);
    this.failed = zeros(t);
    this.timedOut = zeros(t);
    this.retries = zeros(t);
    this.goodput = zeros(t);
    // Two significant digits (≤ 0.4% error) keep the window histograms small to reset.
    this.latency = model.tenants.map(() => new LatencyHistogram({ significantDigits: 2 }));
    this.hops = zeros(st);
    this.hopRejects = zeros(st);
    this.waitSeconds = zeros(st);
    this.waits = zeros(st);
    this.cpuSeconds = zeros(st);
    this.busyAtStart = zeros(replicas);
    this.queueAtStart = zeros(replicas);
  }

  /**
   * Builds the window's Signals (when `build`; else only resets) and starts the next
   * window. Replicas must be `touch`ed up to `nowSeconds` first.
   */
  close(
    window: number,
    nowSeconds: number,
    measured: boolean,
    decisionEpoch: number,
    serviceReplicas: readonly Replica[][],
    tenantOutstanding: Int32Array,
    build: boolean,
  ): Signals | null {
    if (!build) {
      for (const r of serviceReplicas.flat()) {
        this.busyAtStart[r.id] = r.busyCoreSeconds;
        this.queueAtStart[r.id] = r.queueLengthSeconds;
      }
      this.clear(nowSeconds);
      return null;
    }
    const length = nowSeconds - this.startSeconds;
    const tenants = this.model.tenants.map((tenant, t): TenantSignals => {
      const g = tenant.spec.guaranteedRate;
      const byReason = {} as Record<RejectReason, number>;
      REJECT_REASONS.forEach(
        (reason, k) => (byReason[reason] = this.rejectedByReason[t * REASONS + k]!),
      );
      const h = this.latency[t]!;
      return {
        name: tenant.spec.name,
        weight: tenant.spec.weight,
        slo: tenant.spec.slo,
        guaranteedRate: g ?? null,
        offered: this.offered[t]!,
        admitted: this.admitted[t]!,
        rejected: this.rejected[t]!,
        rejectedByReason: byReason,
        completed: this.completed[t]!,
        failed: this.failed[t]!,
        timedOut: this.timedOut[t]!,
        retries: this.retries[t]!,
        goodput: this.goodput[t]!,
        entitlement: g === undefined ? this.offered[t]! : Math.min(this.offered[t]!, g * length),
        latency: {
          count: h.count,
          mean: h.mean,
          p50: h.percentile(50),
          p90: h.percentile(90),
          p99: h.percentile(99),
          max: h.count > 0 ? h.max : 0,
        },
      };
    });
    const T = tenants.length;
    const services = this.model.services.map((spec, s): ServiceSignals => {
      let busy = 0;
      let queued = 0;
      let queueLength = 0;
      let up = 0;
      for (const r of serviceReplicas[s]!) {
        busy += r.busyCoreSeconds - this.busyAtStart[r.id]!;
        queued += r.queueLengthSeconds - this.queueAtStart[r.id]!;
        queueLength += r.queue.length;
        if (r.up) up++;
        this.busyAtStart[r.id] = r.busyCoreSeconds;
        this.queueAtStart[r.id] = r.queueLengthSeconds;
      }
      let hops = 0;
      let rejected = 0;
      let wait = 0;
      let waits = 0;
      const perTenant = tenants.map((_, t) => {
        const i = s * T + t;
        hops += this.hops[i]!;
        rejected += this.hopRejects[i]!;
        wait += this.waitSeconds[i]!;
        waits += this.waits[i]!;
        return {
          hops: this.hops[i]!,
          rejected: this.hopRejects[i]!,
          meanQueueWait: this.waits[i]! > 0 ? this.waitSeconds[i]! / this.waits[i]! : 0,
          cpuSeconds: this.cpuSeconds[i]!,
          outstanding: tenantOutstanding[i]!,
        };
      });
      return {
        name: spec.name,
        replicas: spec.replicas,
        replicasUp: up,
        cores: spec.cores,
        workers: spec.workers,
        utilization: length > 0 ? busy / (spec.cores * spec.replicas * length) : 0,
        meanQueueLength: length > 0 ? queued / length : 0,
        queueLength,
        meanWait: waits > 0 ? wait / waits : 0,
        throughput: length > 0 ? hops / length : 0,
        rejected,
        tenants: perTenant,
      };
    });
    const signals: Signals = {
      window,
      startSeconds: this.startSeconds,
      endSeconds: nowSeconds,
      measured,
      decisionEpoch,
      tenants,
      services,
    };
    this.clear(nowSeconds);
    return signals;
  }

  private clear(nowSeconds: number): void {
    for (const a of [
      this.offered,
      this.admitted,
      this.rejected,
      this.rejectedByReason,
      this.completed,
    ])
      a.fill(0);
    for (const a of [
      this.failed,
      this.timedOut,
      this.retries,
      this.goodput,
      this.hops,
      this.hopRejects,
    ])
      a.fill(0);
    for (const a of [this.waitSeconds, this.waits, this.cpuSeconds]) a.fill(0);
    for (const h of this.latency) h.reset();
    this.startSeconds = nowSeconds;
  }
}
