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
  const first = reports[0];
  const tenants = mergeTenants(reports.flatMap((r) => r.tenants));
  const services = groupBy(
    reports.flatMap((r) => (r.service === null ? [] : [r.service])),
    (s) => s.name,
  ).map((group) => mergeService(group, tenants));
  return {
    window,
    startSeconds: first === undefined ? 0 : Math.min(...reports.map((r) => r.startSeconds)),
    endSeconds: first === undefined ? 0 : Math.max(...reports.map((r) => r.endSeconds)),
    measured: reports.some((r) => r.measured),
    decisionEpoch: first === undefined ? -1 : Math.max(...reports.map((r) => r.decisionEpoch)),
    tenants,
    services,
  };
}

function mergeTenants(all: readonly TenantSignals[]): TenantSignals[] {
  return groupBy(all, (t) => t.name).map((group) => {
    const head = group[0]!;
    if (group.length === 1) return head;
    const sum = (f: (t: TenantSignals) => number) => group.reduce((a, t) => a + f(t), 0);
    return {
      ...head,
      offered: sum((t) => t.offered),
      admitted: sum((t) => t.admitted),
      rejected: sum((t) => t.rejected),
      rejectedByReason: Object.fromEntries(
        REJECT_REASONS.map((r) => [r, sum((t) => t.rejectedByReason[r])]),
      ) as TenantSignals['rejectedByReason'],
      completed: sum((t) => t.completed),
      failed: sum((t) => t.failed),
      timedOut: sum((t) => t.timedOut),
      retries: sum((t) => t.retries),
      goodput: sum((t) => t.goodput),
      entitlement: sum((t) => t.entitlement),
      latency: mergeLatency(group.map((t) => t.latency)),
    };
  });
}

/** Count-weighted latency statistics of several instances (percentiles approximate). */
export function mergeLatency(parts: readonly LatencySignals[]): LatencySignals {
  if (parts.length === 1) return parts[0]!;
  const count = parts.reduce((a, l) => a + l.count, 0);
  const avg = (f: (l: LatencySignals) => number) =>
    count === 0 ? 0 : parts.reduce((a, l) => a + f(l) * l.count, 0) / count;
  return {
    count,
    mean: avg((l) => l.mean),
    p50: avg((l) => l.p50),
    p90: avg((l) => l.p90),
    p99: avg((l) => l.p99),
    max: parts.reduce((a, l) => Math.max(a, l.max), 0),
  };
}

const ZERO_TENANT: ServiceTenantSignals = {
  hops: 0,
  rejected: 0,
  meanQueueWait: 0,
  cpuSeconds: 0,
  outstanding: 0,
};

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
