/**
 * Signals: what an operator could observe of one control window, per tenant and per
 * service (DESIGN.md). Work is attributed to tenants through the whole call tree, as a
 * causal tracing system (Pivot Tracing, Retro) does with baggage: every hop carries its
 * request's tenant. Counts are of events inside the window; times in seconds.
 */
import type { RejectReason } from './enforcement.js';

export interface LatencySignals {
  /** Requests completed in the window. */
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface TenantSignals {
  readonly name: string;
  /** Importance in the run score (the scenario's weight). */
  readonly weight: number;
  readonly slo: { readonly latency: number; readonly percentile: number };
  /** Requests per second the tenant is entitled to, or null for everything it offers. */
  readonly guaranteedRate: number | null;
  /** Requests that arrived at the ingress. */
  readonly offered: number;
  /** Requests that passed the ingress (rate limit and admission). */
  readonly admitted: number;
  /** Requests turned away (ingress or any service) for good. */
  readonly rejected: number;
  /** Hop and ingress rejections in the window, by reason (a request may be counted more than once if retried). */
  readonly rejectedByReason: Readonly<Record<RejectReason, number>>;
  readonly completed: number;
  /** Requests that failed for good (timeouts, crashes, downstream failures). */
  readonly failed: number;
  /** Client-side attempts that timed out. */
  readonly timedOut: number;
  /** Retries made on behalf of the tenant's requests at any call edge. */
  readonly retries: number;
  /** Completed within the SLO latency. */
  readonly goodput: number;
  /** min(offered, guaranteedRate × window), or offered. */
  readonly entitlement: number;
  /** Latencies of the requests completed in the window. */
  readonly latency: LatencySignals;
}

/** A tenant's share of one service in the window. */
export interface ServiceTenantSignals {
  /** Hops of the tenant completed at the service. */
  readonly hops: number;
  /** Hops of the tenant turned away by the service. */
  readonly rejected: number;
  /** Mean seconds the tenant's hops waited for a worker (0 when none started). */
  readonly meanQueueWait: number;
  /** CPU seconds the service spent on the tenant's hops. */
  readonly cpuSeconds: number;
  /** Hops of the tenant at the service at the end of the window. */
  readonly outstanding: number;
}

export interface ServiceSignals {
  readonly name: string;
  readonly replicas: number;
  readonly replicasUp: number;
  /** Cores per replica as configured (faults may take some away). */
  readonly cores: number;
  readonly workers: number;
  /** Busy core-seconds ÷ (configured cores × replicas × window seconds). */
  readonly utilization: number;
  /** Time-averaged hops waiting in the queues over the window. */
  readonly meanQueueLength: number;
  /** Hops waiting at the end of the window. */
  readonly queueLength: number;
  /** Mean seconds hops waited for a worker. */
  readonly meanWait: number;
  /** Hops completed per second. */
  readonly throughput: number;
  readonly rejected: number;
  /** Per tenant, aligned with `Signals.tenants`. */
  readonly tenants: readonly ServiceTenantSignals[];
}

export interface Signals {
  /** 0-based index of the window in the run. */
  readonly window: number;
  readonly startSeconds: number;
  readonly endSeconds: number;
  /** Whether the window ends after the warmup (its requests count in the run's statistics). */
  readonly measured: boolean;
  /** Epoch of the decision in force during the window, or -1 for none. */
  readonly decisionEpoch: number;
  readonly tenants: readonly TenantSignals[];
  readonly services: readonly ServiceSignals[];
}
