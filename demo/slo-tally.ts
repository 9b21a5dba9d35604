/**
 * Per-tenant outcomes of the load generator's requests, scored as eval scores a run
 * (DESIGN.md, "Numbers that every part reports the same way"): only requests that
 * arrive after the warm-up count; a tenant's entitlement adds up, window by window,
 * `min(offered, guaranteedRate × window)` (or everything offered); goodput is the
 * requests completed within the SLO latency; the SLO score is goodput ÷ entitlement,
 * capped at 1, and the run score their weighted mean. Latency runs from the request's
 * scheduled arrival to its response (so a late send is latency too) and goes into an
 * HDR-style histogram.
 */
import { LatencyHistogram } from '../sim-cluster/histogram.js';

export interface TallyTenant {
  readonly name: string;
  readonly slo: { readonly latency: number; readonly percentile: number };
  readonly guaranteedRate?: number;
  readonly weight: number;
}

export type Outcome = 'ok' | 'rejected' | 'failed';

export interface TenantResult {
  readonly offered: number;
  readonly completed: number;
  readonly rejected: number;
  readonly failed: number;
  readonly goodput: number;
  readonly entitlement: number;
  readonly sloScore: number;
  /** Completed requests per measured second. */
  readonly throughput: number;
  readonly latency: { readonly p50: number; readonly p99: number; readonly mean: number };
}

export interface LoadResult {
  readonly measuredSeconds: number;
  /** Weighted mean of the tenants' SLO scores. */
  readonly score: number;
  readonly tenants: Readonly<Record<string, TenantResult>>;
  /** Every tenant together: completed per second and latency percentiles. */
  readonly all: { readonly throughput: number; readonly p50: number; readonly p99: number };
  /** Client-side latency minus the frontend's handler time, per completed request. */
  readonly overheadSeconds: number[];
  /** The schedule that was sent: seconds, tenant index, API name (for trace replay). */
  readonly arrivals: { readonly at: number[]; readonly tenant: number[]; readonly api: string[] };
}

interface Counts {
  offered: number;
  completed: number;
  rejected: number;
  failed: number;
  goodput: number;
  windows: Map<number, number>;
  latency: LatencyHistogram;
}

export class SloTally {
  private readonly counts: Counts[];
  private readonly all = new LatencyHistogram();

  constructor(
    private readonly tenants: readonly TallyTenant[],
    private readonly warmupSeconds: number,
    private readonly durationSeconds: number,
  ) {
    this.counts = tenants.map(() => ({
      offered: 0,
      completed: 0,
      rejected: 0,
      failed: 0,
      goodput: 0,
      windows: new Map(),
      latency: new LatencyHistogram(),
    }));
  }

  /** A request of tenant `t` scheduled at `atSeconds` was sent; false if not measured. */
  offered(t: number, atSeconds: number): boolean {
    if (atSeconds < this.warmupSeconds) return false;
    const c = this.counts[t]!;
    c.offered++;
    const w = Math.floor(atSeconds);
    c.windows.set(w, (c.windows.get(w) ?? 0) + 1);
    return true;
  }

  /** The outcome of a measured request. */
  finished(t: number, outcome: Outcome, latencySeconds: number): void {
    const c = this.counts[t]!;
    if (outcome === 'rejected') c.rejected++;
    else if (outcome === 'failed') c.failed++;
    else {
      c.completed++;
      c.latency.record(latencySeconds);
      this.all.record(latencySeconds);
      if (latencySeconds <= this.tenants[t]!.slo.latency) c.goodput++;
    }
  }

  result(overheadSeconds: number[], arrivals: LoadResult['arrivals']): LoadResult {
    const tenants: Record<string, TenantResult> = {};
    let weighted = 0;
    let weights = 0;
    let completed = 0;
    this.tenants.forEach((spec, i) => {
      const c = this.counts[i]!;
      let entitlement = 0;
      for (const offered of c.windows.values())
        entitlement +=
          spec.guaranteedRate === undefined ? offered : Math.min(offered, spec.guaranteedRate);
      const sloScore = entitlement > 0 ? Math.min(1, c.goodput / entitlement) : 1;
      weighted += spec.weight * sloScore;
      weights += spec.weight;
      completed += c.completed;
      tenants[spec.name] = {
        offered: c.offered,
        completed: c.completed,
        rejected: c.rejected,
        failed: c.failed,
        goodput: c.goodput,
        entitlement,
        sloScore,
        throughput: c.completed / this.durationSeconds,
        latency: summary(c.latency),
      };
    });
    return {
      measuredSeconds: this.durationSeconds,
      score: weights > 0 ? weighted / weights : 1,
      tenants,
      all: { throughput: completed / this.durationSeconds, ...summary(this.all) },
      overheadSeconds,
      arrivals,
    };
  }
}

function summary(h: LatencyHistogram) {
  return h.count === 0
    ? { p50: 0, p99: 0, mean: 0 }
    : { p50: h.percentile(50), p99: h.percentile(99), mean: h.mean };
}
