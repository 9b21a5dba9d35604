/**
 * The compact per-window record eval keeps of a run: what the charts plot over time and
 * what the fluid bound and the entitlement metrics are computed from. Built from the
 * simulator's Signals of the measured windows.
 */
import type { Signals } from '../sim-cluster/signals.js';

/** One tenant in one window: counts of requests, latencies in seconds. */
export interface TenantWindow {
  readonly offered: number;
  readonly admitted: number;
  readonly rejected: number;
  readonly completed: number;
  readonly goodput: number;
  readonly entitlement: number;
  readonly p50: number;
  readonly p99: number;
}

export interface WindowRecord {
  /** End of the window, seconds from the start of the run (warmup included). */
  readonly endSeconds: number;
  readonly seconds: number;
  /** Aligned with `Timeline.tenants`. */
  readonly tenants: readonly TenantWindow[];
  /** Busy fraction of each service (aligned with `Timeline.services`). */
  readonly utilization: readonly number[];
  /** CPU core-seconds each service had: cores × replicas up × window seconds. */
  readonly capacityCoreSeconds: readonly number[];
}

export interface Timeline {
  readonly tenants: readonly string[];
  /** Importance of each tenant in the run score. */
  readonly weights: readonly number[];
  readonly services: readonly string[];
  readonly windows: readonly WindowRecord[];
}

/** Collects the measured windows of a run, one `add` per window. */
export class TimelineRecorder {
  private tenants: string[] = [];
  private weights: number[] = [];
  private services: string[] = [];
  private readonly windows: WindowRecord[] = [];

  add(signals: Signals): void {
    if (this.tenants.length === 0) {
      this.tenants = signals.tenants.map((t) => t.name);
      this.weights = signals.tenants.map((t) => t.weight);
      this.services = signals.services.map((s) => s.name);
    }
    if (!signals.measured) return;
    const seconds = signals.endSeconds - signals.startSeconds;
    this.windows.push({
      endSeconds: signals.endSeconds,
      seconds,
      tenants: signals.tenants.map((t) => ({
        offered: t.offered,
        admitted: t.admitted,
        rejected: t.rejected,
        completed: t.completed,
        goodput: t.goodput,
        entitlement: t.entitlement,
        p50: t.latency.p50,
        p99: t.latency.p99,
      })),
      utilization: signals.services.map((s) => s.utilization),
      capacityCoreSeconds: signals.services.map((s) => s.cores * s.replicasUp * seconds),
    });
  }

  timeline(): Timeline {
    return {
      tenants: this.tenants,
      weights: this.weights,
      services: this.services,
      windows: this.windows,
    };
  }
}
