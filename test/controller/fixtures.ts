/** Shared helpers for the controller tests: reports, policies, waiting. */
import { pino } from 'pino';
import { REJECT_REASONS, type Decision } from '../../sim-cluster/enforcement.js';
import type { Signals, TenantSignals } from '../../sim-cluster/signals.js';
import type { Policy } from '../../policies/policy.js';
import type { ReportMessage, ServiceReport } from '../../controller/protocol.js';

export const silent = pino({ level: 'silent' });

/** A tenant's window signals with `offered` requests, all admitted and completed. */
export function tenant(name: string, offered: number): TenantSignals {
  return {
    name,
    weight: 1,
    slo: { latency: 0.1, percentile: 99 },
    guaranteedRate: 10,
    offered,
    admitted: offered,
    rejected: 0,
    rejectedByReason: Object.fromEntries(
      REJECT_REASONS.map((r) => [r, 0]),
    ) as TenantSignals['rejectedByReason'],
    completed: offered,
    failed: 0,
    timedOut: 0,
    retries: 0,
    goodput: offered,
    entitlement: offered,
    latency: { count: offered, mean: 0.01, p50: 0.01, p90: 0.02, p99: 0.03, max: 0.05 },
  };
}

export function service(name: string, hops: Record<string, number>): ServiceReport {
  return {
    name,
    replicas: 1,
    replicasUp: 1,
    cores: 2,
    workers: 2,
    utilization: 0.5,
    meanQueueLength: 1,
    queueLength: 1,
    meanWait: 0.001,
    throughput: 10,
    rejected: 0,
    tenants: Object.fromEntries(
      Object.entries(hops).map(([t, h]) => [
        t,
        { hops: h, rejected: 0, meanQueueWait: 0.001, cpuSeconds: 0.1, outstanding: 0 },
      ]),
    ),
  };
}

export function report(
  window: number,
  tenants: TenantSignals[],
  svc: ServiceReport | null = null,
): Omit<ReportMessage, 'type'> {
  return {
    window,
    startSeconds: window,
    endSeconds: window + 1,
    measured: true,
    decisionEpoch: window,
    tenants,
    service: svc,
  };
}

/** A policy that limits every tenant it sees to `rate` and records what it saw. */
export class FixedRatePolicy implements Policy {
  readonly name = 'fixed-rate';
  readonly seen: Signals[] = [];
  constructor(
    private readonly rate: number,
    private readonly ttlSeconds = 5,
  ) {}
  decide(signals: Signals): Decision {
    this.seen.push(signals);
    return {
      epoch: signals.window + 1,
      ttlSeconds: this.ttlSeconds,
      tenants: Object.fromEntries(
        signals.tenants.map((t) => [
          t.name,
          { rateLimit: { ratePerSecond: this.rate, burst: this.rate }, weight: 2 },
        ]),
      ),
    };
  }
}

/** Polls `condition` every 10 ms until it holds or `timeoutMs` passes. */
export async function until(
  condition: () => boolean,
  timeoutMs = 3000,
  what = 'condition',
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
