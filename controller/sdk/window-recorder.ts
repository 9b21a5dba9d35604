/**
 * Counts what an instance saw in the current control window and turns it into the body
 * of a `report` message (ingress: per-tenant signals; service: the service's signals).
 * Latency percentiles come from HDR-style histograms, as everywhere in Governor.
 */
import { REJECT_REASONS, type RejectReason } from '../../sim-cluster/enforcement.js';
import { LatencyHistogram } from '../../sim-cluster/histogram.js';
import type { TenantSignals } from '../../sim-cluster/signals.js';
import type { ServiceReport } from '../protocol.js';

/** What the operator configured for a tenant (carried in ingress reports). */
export interface TenantConfig {
  readonly weight?: number;
  readonly slo?: { readonly latency: number; readonly percentile: number };
  readonly guaranteedRate?: number | null;
}

interface Counts {
  offered: number;
  admitted: number;
  rejected: number;
  byReason: Record<RejectReason, number>;
  completed: number;
  failed: number;
  goodput: number;
  queueWait: number;
  latency: LatencyHistogram;
}

export class WindowRecorder {
  private tenants = new Map<string, Counts>();

  constructor(private readonly config: Readonly<Record<string, TenantConfig>> = {}) {}

  offered(tenant: string): void {
    this.of(tenant).offered++;
  }

  rejected(tenant: string, reason: RejectReason): void {
    const c = this.of(tenant);
    c.rejected++;
    c.byReason[reason]++;
  }

  admitted(tenant: string, queueWaitSeconds = 0): void {
    const c = this.of(tenant);
    c.admitted++;
    c.queueWait += queueWaitSeconds;
  }

  /** A request finished after `latencySeconds`; `ok` false counts it as failed. */
  finished(tenant: string, latencySeconds: number, ok: boolean): void {
    const c = this.of(tenant);
    if (!ok) {
      c.failed++;
      return;
    }
    c.completed++;
    c.latency.record(latencySeconds);
    if (latencySeconds <= this.sloOf(tenant).latency) c.goodput++;
  }

  /** The window's tenant signals (ingress reports); resets the counts. */
  closeTenants(windowSeconds: number): TenantSignals[] {
    const out = [...this.tenants].map(([name, c]) => {
      const cfg = this.config[name] ?? {};
      const g = cfg.guaranteedRate ?? null;
      return {
        name,
        weight: cfg.weight ?? 1,
        slo: this.sloOf(name),
        guaranteedRate: g,
        offered: c.offered,
        admitted: c.admitted,
        rejected: c.rejected,
        rejectedByReason: { ...c.byReason },
        completed: c.completed,
        failed: c.failed,
        timedOut: 0,
        retries: 0,
        goodput: c.goodput,
        entitlement: g === null ? c.offered : Math.min(c.offered, g * windowSeconds),
        latency: {
          count: c.latency.count,
          mean: c.latency.count > 0 ? c.latency.mean : 0,
          p50: c.latency.count > 0 ? c.latency.percentile(50) : 0,
          p90: c.latency.count > 0 ? c.latency.percentile(90) : 0,
          p99: c.latency.count > 0 ? c.latency.percentile(99) : 0,
          max: c.latency.count > 0 ? c.latency.max : 0,
        },
      };
    });
    this.tenants = new Map();
    return out;
  }

  /** The window's service signals (service reports); resets the counts. */
  closeService(
    name: string,
    windowSeconds: number,
    inFlight: (tenant: string) => number,
  ): ServiceReport {
    const entries = [...this.tenants];
    const hops = entries.reduce((a, [, c]) => a + c.completed + c.failed, 0);
    const waited = entries.reduce((a, [, c]) => a + c.queueWait, 0);
    const admitted = entries.reduce((a, [, c]) => a + c.admitted, 0);
    const report: ServiceReport = {
      name,
      replicas: 1,
      replicasUp: 1,
      cores: 1,
      workers: 1,
      utilization: 0,
      meanQueueLength: windowSeconds > 0 ? waited / windowSeconds : 0,
      queueLength: 0,
      meanWait: admitted > 0 ? waited / admitted : 0,
      throughput: windowSeconds > 0 ? hops / windowSeconds : 0,
      rejected: entries.reduce((a, [, c]) => a + c.rejected, 0),
      tenants: Object.fromEntries(
        entries.map(([t, c]) => [
          t,
          {
            hops: c.completed + c.failed,
            rejected: c.rejected,
            meanQueueWait: c.admitted > 0 ? c.queueWait / c.admitted : 0,
            cpuSeconds: 0,
            outstanding: inFlight(t),
          },
        ]),
      ),
    };
    this.tenants = new Map();
    return report;
  }

  private sloOf(tenant: string) {
    return this.config[tenant]?.slo ?? { latency: 1, percentile: 99 };
  }

  private of(tenant: string): Counts {
    let c = this.tenants.get(tenant);
    if (c === undefined) {
      c = {
        offered: 0,
        admitted: 0,
        rejected: 0,
        byReason: Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<
          RejectReason,
          number
        >,
        completed: 0,
        failed: 0,
        goodput: 0,
        queueWait: 0,
        latency: new LatencyHistogram(),
      };
      this.tenants.set(tenant, c);
    }
    return c;
  }
}
