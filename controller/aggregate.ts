/**
 * Aggregation (pure): the reports of every instance for one window → the cluster's
 * Signals, the input of `Policy.decide`.
 *
 * Counts add up. Means are weighted by what they average over (latency by completed
 * requests, queue waits by hops, utilisation by cores). Latency percentiles of several
 * ingress instances are combined as the count-weighted mean of their percentiles, an
 * approximation (exact merging would need the histograms); `max` is exact. A group of
 * one report passes through unchanged, so a single ingress gives bit-identical Signals.
 */
import { REJECT_REASONS } from '../sim-cluster/enforcement.js';
import type {
  LatencySignals,
  ServiceSignals,
  ServiceTenantSignals,
  Signals,
  TenantSignals,
} from '../sim-cluster/signals.js';
import type { ReportMessage, ServiceReport } from './protocol.js';

/** The window's reports, in instance registration order. */
export function aggregateSignals(window: number, reports: readonly ReportMessage[]): Signals {
  const tenants = mergeTenants(reports);
  const services = mergeServices(
    reports.flatMap((r) => (r.service === null ? [] : [r.service])),
    tenants,
  );
  let startSeconds = Infinity;
  let endSeconds = -Infinity;
  let decisionEpoch = -Infinity;
  let measured = false;
  for (const r of reports) {
    startSeconds = Math.min(startSeconds, r.startSeconds);
    endSeconds = Math.max(endSeconds, r.endSeconds);
    decisionEpoch = Math.max(decisionEpoch, r.decisionEpoch);
    measured ||= r.measured;
  }
  const none = reports.length === 0;
  return {
    window,
    startSeconds: none ? 0 : startSeconds,
    endSeconds: none ? 0 : endSeconds,
    measured,
    decisionEpoch: none ? -1 : decisionEpoch,
    tenants,
    services,
  };
}

/**
 * Every tenant of every report merged by name, in order of first appearance. One pass
 * with running sums: a round aggregates 1,000 reports.
 */
function mergeTenants(reports: readonly ReportMessage[]): TenantSignals[] {
  const sums = new Map<string, TenantSum>();
  for (const r of reports) {
    for (const t of r.tenants) {
      const sum = sums.get(t.name);
      if (sum === undefined) sums.set(t.name, new TenantSum(t));
      else sum.add(t);
    }
  }
  return Array.from(sums.values(), (s) => s.result());
}

/** Running sums of one tenant's signals across instances, added in report order. */
class TenantSum {
  private n = 0;
  private offered = 0;
  private admitted = 0;
  private rejected = 0;
  private completed = 0;
  private failed = 0;
  private timedOut = 0;
  private retries = 0;
  private goodput = 0;
  private entitlement = 0;
  private readonly byReason = new Float64Array(REJECT_REASONS.length);
  private readonly latency = new LatencySum();

  constructor(private readonly head: TenantSignals) {
    this.add(head);
  }

  add(t: TenantSignals): void {
    this.n++;
    this.offered += t.offered;
    this.admitted += t.admitted;
    this.rejected += t.rejected;
    this.completed += t.completed;
    this.failed += t.failed;
    this.timedOut += t.timedOut;
    this.retries += t.retries;
    this.goodput += t.goodput;
    this.entitlement += t.entitlement;
    for (let i = 0; i < REJECT_REASONS.length; i++)
      this.byReason[i]! += t.rejectedByReason[REJECT_REASONS[i]!];
    this.latency.add(t.latency);
  }

  /** The merged signals; a tenant seen by one instance passes through unchanged. */
  result(): TenantSignals {
    if (this.n === 1) return this.head;
    const rejectedByReason: Record<string, number> = {};
    REJECT_REASONS.forEach((r, i) => (rejectedByReason[r] = this.byReason[i]!));
    return {
      ...this.head,
      offered: this.offered,
      admitted: this.admitted,
      rejected: this.rejected,
      rejectedByReason: rejectedByReason as TenantSignals['rejectedByReason'],
      completed: this.completed,
      failed: this.failed,
      timedOut: this.timedOut,
      retries: this.retries,
      goodput: this.goodput,
      entitlement: this.entitlement,
      latency: this.latency.result(),
    };
  }
}

/** Count-weighted sums of latency statistics. */
class LatencySum {
  private count = 0;
  private mean = 0;
  private p50 = 0;
  private p90 = 0;
  private p99 = 0;
  private max = 0;

  add(l: LatencySignals): void {
    this.count += l.count;
    this.mean += l.mean * l.count;
    this.p50 += l.p50 * l.count;
    this.p90 += l.p90 * l.count;
    this.p99 += l.p99 * l.count;
    this.max = Math.max(this.max, l.max);
  }

  result(): LatencySignals {
    const c = this.count;
    return {
      count: c,
      mean: c === 0 ? 0 : this.mean / c,
      p50: c === 0 ? 0 : this.p50 / c,
      p90: c === 0 ? 0 : this.p90 / c,
      p99: c === 0 ? 0 : this.p99 / c,
      max: this.max,
    };
  }
}

/** Count-weighted latency statistics of several instances (percentiles approximate). */
export function mergeLatency(parts: readonly LatencySignals[]): LatencySignals {
  if (parts.length === 1) return parts[0]!;
  const sum = new LatencySum();
  for (const l of parts) sum.add(l);
  return sum.result();
}

const ZERO_TENANT: ServiceTenantSignals = {
  hops: 0,
  rejected: 0,
  meanQueueWait: 0,
  cpuSeconds: 0,
  outstanding: 0,
};

/** Service reports (any services, in report order) → one ServiceSignals per service. */
export function mergeServices(
  reports: readonly ServiceReport[],
  tenants: readonly TenantSignals[],
): ServiceSignals[] {
  return groupBy(reports, (s) => s.name).map((group) => mergeService(group, tenants));
}

/** Instances of one service → its ServiceSignals, tenants aligned with `tenants`. */
export function mergeService(
  group: readonly ServiceReport[],
  tenants: readonly TenantSignals[],
): ServiceSignals {
  const head = group[0]!;
  const align = (s: ServiceReport) => tenants.map((t) => s.tenants[t.name] ?? ZERO_TENANT);
  if (group.length === 1) {
    const { tenants: _byName, ...rest } = head;
    return { ...rest, tenants: align(head) };
  }
  const sum = (f: (s: ServiceReport) => number) => group.reduce((a, s) => a + f(s), 0);
  const weighted = (f: (s: ServiceReport) => number, w: (s: ServiceReport) => number) => {
    const total = sum(w);
    return total === 0 ? 0 : sum((s) => f(s) * w(s)) / total;
  };
  const capacity = (s: ServiceReport) => s.cores * s.replicas;
  const aligned = group.map(align);
  return {
    name: head.name,
    replicas: sum((s) => s.replicas),
    replicasUp: sum((s) => s.replicasUp),
    cores: head.cores,
    workers: head.workers,
    utilization: weighted((s) => s.utilization, capacity),
    meanQueueLength: sum((s) => s.meanQueueLength),
    queueLength: sum((s) => s.queueLength),
    meanWait: weighted(
      (s) => s.meanWait,
      (s) => s.throughput,
    ),
    throughput: sum((s) => s.throughput),
    rejected: sum((s) => s.rejected),
    tenants: tenants.map((_, i) => mergeServiceTenant(aligned.map((a) => a[i]!))),
  };
}

function mergeServiceTenant(parts: readonly ServiceTenantSignals[]): ServiceTenantSignals {
  const hops = parts.reduce((a, p) => a + p.hops, 0);
  return {
    hops,
    rejected: parts.reduce((a, p) => a + p.rejected, 0),
    meanQueueWait: hops === 0 ? 0 : parts.reduce((a, p) => a + p.meanQueueWait * p.hops, 0) / hops,
    cpuSeconds: parts.reduce((a, p) => a + p.cpuSeconds, 0),
    outstanding: parts.reduce((a, p) => a + p.outstanding, 0),
  };
}

/** Groups in order of first appearance. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [item]);
    else g.push(item);
  }
  return [...groups.values()];
}
