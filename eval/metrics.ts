/**
 * Metrics of one run: pure functions of its `SimSummary` and `Timeline`, named and
 * computed the way DESIGN.md ("Numbers that every part reports the same way") defines
 * them.
 */
import type { SimSummary } from '../sim-cluster/summary.js';
import { fluidScoreBound } from './fluid-bound.js';
import type { Timeline, TenantWindow } from './timeline.js';

export interface TenantMetrics {
  readonly weight: number;
  /** goodput ÷ entitlement over the run, capped at 1 (1 when nothing was owed). */
  readonly sloScore: number;
  /** Requests completed within the SLO latency. */
  readonly goodput: number;
  readonly goodputPerSecond: number;
  /** Completed requests per second. */
  readonly throughputPerSecond: number;
  readonly offeredPerSecond: number;
  /** Latency percentiles of completed requests, seconds. */
  readonly p50Seconds: number;
  readonly p99Seconds: number;
  readonly p999Seconds: number;
  readonly rejected: number;
  /** Rejections that left the tenant below its entitlement (see `rejectedWithinEntitlement`). */
  readonly rejectedWithinEntitlement: number;
}

export interface RunMetrics {
  /** Run score: tenants' SLO scores averaged with their weights. */
  readonly score: number;
  /** Upper bound on the score from the fluid model (eval/fluid-bound.ts). */
  readonly fluidBound: number;
  /** Jain's fairness index of the tenants' SLO scores, in [1/n, 1]. */
  readonly fairness: number;
  /** Mean and maximum over services of their busy fraction. */
  readonly meanUtilization: number;
  readonly maxUtilization: number;
  readonly tenants: Readonly<Record<string, TenantMetrics>>;
}

/**
 * Jain's fairness index (Jain, Chiu and Hawe, DEC-TR-301, 1984): (Σx)² / (n·Σx²), 1 when
 * all are equal, 1/n when one gets everything. 1 for no values or all zeros.
 */
export function jainIndex(values: readonly number[]): number {
  let sum = 0;
  let squares = 0;
  for (const v of values) {
    sum += v;
    squares += v * v;
  }
  return squares > 0 ? (sum * sum) / (values.length * squares) : 1;
}

/**
 * Requests of one window rejected while the tenant was within its entitlement: of R
 * rejections out of O offered, those that pushed the requests not rejected (O − R)
 * below the entitlement E, i.e. max(0, min(R, E − (O − R))). A tenant without a
 * guaranteed rate is entitled to all it offers, so every rejection counts.
 */
export function rejectedWithinEntitlement(w: TenantWindow): number {
  return Math.max(0, Math.min(w.rejected, w.entitlement - (w.offered - w.rejected)));
}

/** Every metric of a run; `demand` is the fluid model's CPU per request, [tenant][service]. */
export function runMetrics(
  summary: SimSummary,
  timeline: Timeline,
  demand: readonly (readonly number[])[],
): RunMetrics {
  const seconds = summary.simulatedSeconds > 0 ? summary.simulatedSeconds : 1;
  const tenants: Record<string, TenantMetrics> = {};
  timeline.tenants.forEach((name, i) => {
    const t = summary.tenants[name];
    if (t === undefined) throw new RangeError(`tenant ${name} missing from the summary`);
    let within = 0;
    for (const w of timeline.windows) within += rejectedWithinEntitlement(w.tenants[i]!);
    tenants[name] = {
      weight: timeline.weights[i]!,
      sloScore: t.sloAttainment,
      goodput: t.goodput,
      goodputPerSecond: t.goodput / seconds,
      throughputPerSecond: t.throughput,
      offeredPerSecond: t.offered / seconds,
      p50Seconds: t.latency.p50,
      p99Seconds: t.latency.p99,
      p999Seconds: t.latency.p999,
      rejected: t.rejected,
      rejectedWithinEntitlement: within,
    };
  });
  const utilizations = Object.values(summary.services).map((s) => s.utilization);
  const fluidBound = fluidScoreBound({
    demand,
    weights: timeline.weights,
    entitlements: timeline.tenants.map((n) => summary.tenants[n]!.entitlement),
    windows: timeline.windows.map((w) => ({
      offered: w.tenants.map((t) => t.offered),
      capacityCoreSeconds: w.capacityCoreSeconds,
    })),
  });
  return {
    score: summary.score,
    fluidBound,
    fairness: jainIndex(Object.values(tenants).map((t) => t.sloScore)),
    meanUtilization: utilizations.length
      ? utilizations.reduce((a, b) => a + b, 0) / utilizations.length
      : 0,
    maxUtilization: utilizations.length ? Math.max(...utilizations) : 0,
    tenants,
  };
}
