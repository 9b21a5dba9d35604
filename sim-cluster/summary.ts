import type { RejectReason } from './enforcement.js';
import { InvalidArgumentError } from './errors.js';
import type { Simulation } from './simulation.js';

export interface LatencySummary {
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export interface TenantSummary {
  readonly offered: number;
  readonly admitted: number;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<RejectReason, number>>;
  readonly completed: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly inFlight: number;
  /** Requests completed within the SLO latency. */
  readonly goodput: number;
  readonly entitlement: number;
  /** goodput ÷ entitlement, capped at 1 (DESIGN.md's SLO score); 1 when nothing was owed. */
  readonly sloAttainment: number;
  /** Whether the SLO's percentile of completed requests met the latency target. */
  readonly sloMet: boolean;
  /** Completed requests per second. */
  readonly throughput: number;
  /** Seconds, from arrival at the ingress to the final response, of completed requests. */
  readonly latency: LatencySummary;
}

export interface ServiceSummary {
  /** Busy core-seconds ÷ (cores × replicas × measured seconds), in [0, 1]. */
  readonly utilization: number;
  /** Time-averaged requests waiting in the service's queues (all replicas). */
  readonly meanQueueLength: number;
  /** Mean seconds a hop waits in the queue before a worker takes it. */
  readonly meanWait: number;
  /** Hops completed per second. */
  readonly throughput: number;
  readonly rejected: number;
}

/** What `governor sim --json` writes. Times in seconds; statistics cover post-warmup arrivals. */
export interface SimSummary {
  readonly scenario: string;
  readonly seed: number;
  readonly policy: string;
  /** Measured seconds (after warmup). */
  readonly simulatedSeconds: number;
  readonly warmupSeconds: number;
  readonly wallSeconds: number;
  readonly events: number;
  /** Tenants' SLO attainment averaged with their weights. */
  readonly score: number;
  readonly tenants: Readonly<Record<string, TenantSummary>>;
  readonly services: Readonly<Record<string, ServiceSummary>>;
}

/** Builds the run's summary from a finished (or stopped) simulation. */
export function summarize(sim: Simulation, policy: string, wallSeconds: number): SimSummary {
  if (!sim.runLatency)
    throw new InvalidArgumentError(
      `summarize: ${sim.model.scenario.name} ran with runLatency: false, so it has no whole-run latencies to report`,
    );
  const measured = Math.max(sim.now - sim.warmupSeconds, 0);
  const tenants: Record<string, TenantSummary> = {};
  let weighted = 0;
  let totalWeight = 0;
  sim.model.tenants.forEach((tenant, i) => {
    const s = sim.tenantStats[i]!;
    const h = s.latency;
    const attainment = s.entitlement > 0 ? Math.min(1, s.goodput / s.entitlement) : 1;
    weighted += tenant.spec.weight * attainment;
    totalWeight += tenant.spec.weight;
    const slo = tenant.spec.slo;
    tenants[tenant.spec.name] = {
      offered: s.offered,
      admitted: s.admitted,
      rejected: s.rejected,
      rejectedByReason: s.reasonsRecord(),
      completed: s.completed,
      failed: s.failed,
      timedOut: s.timedOut,
      inFlight: s.offered - s.completed - s.rejected - s.failed,
      goodput: s.goodput,
      entitlement: s.entitlement,
      sloAttainment: attainment,
      sloMet: h.count > 0 && h.percentile(slo.percentile) <= slo.latency,
      throughput: measured > 0 ? s.completed / measured : 0,
      latency: {
        mean: h.mean,
        p50: h.percentile(50),
        p90: h.percentile(90),
        p99: h.percentile(99),
        p999: h.percentile(99.9),
        max: h.count > 0 ? h.max : 0,
      },
    };
  });
  const services: Record<string, ServiceSummary> = {};
  sim.model.services.forEach((spec, i) => {
    const stats = sim.serviceStats[i]!;
    let busy = 0;
    let queued = 0;
    for (const r of sim.serviceReplicas[i]!) {
      busy += r.busyCoreSeconds - sim.busyAtWarmup[r.id]!;
      queued += r.queueLengthSeconds - sim.queueAtWarmup[r.id]!;
    }
    services[spec.name] = {
      utilization: measured > 0 ? busy / (spec.cores * spec.replicas * measured) : 0,
      meanQueueLength: measured > 0 ? queued / measured : 0,
      meanWait: stats.waits > 0 ? stats.waitSeconds / stats.waits : 0,
      throughput: measured > 0 ? stats.hopsCompleted / measured : 0,
      rejected: stats.hopsRejected,
    };
  });
  return {
    scenario: sim.model.scenario.name,
    seed: sim.seed,
    policy,
    simulatedSeconds: measured,
    warmupSeconds: sim.warmupSeconds,
    wallSeconds,
    events: sim.eventsProcessed,
    score: totalWeight > 0 ? weighted / totalWeight : 1,
    tenants,
    services,
  };
}
