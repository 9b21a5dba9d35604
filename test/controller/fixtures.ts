/** Shared helpers for the controller tests: reports, policies, waiting. */
import fc from 'fast-check';
import { pino } from 'pino';
import type { InstanceDemand } from '../../controller/split.js';
import { REJECT_REASONS, type Decision } from '../../sim-cluster/enforcement.js';
import type { Signals, TenantSignals } from '../../sim-cluster/signals.js';
import type { Policy } from '../../policies/policy.js';
import type {
  DecisionMessage,
  DecisionPart,
  ReportMessage,
  ServiceReport,
} from '../../controller/protocol.js';

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

const knob = fc.oneof(
  fc.constant(undefined),
  fc.double({ min: 0, max: 1e6, noNaN: true }),
  fc.constantFrom(0, 1, 7, 0.5, Number.POSITIVE_INFINITY),
);

/** Per-tenant ingress knobs (rate, burst, deadline slack) and 1-4 instances' demands. */
export const ingressDecisionArb = fc.record({
  tenants: fc.dictionary(
    fc.constantFrom('t', 'gold', '10', '2', 'x y'),
    fc.record({ rate: knob, burst: knob, slack: fc.option(fc.constantFrom(0, 0.25)) }),
  ),
  demands: fc.array(
    fc.dictionary(fc.constantFrom('t', 'gold', '10', '2'), fc.nat(50), { maxKeys: 3 }),
    { minLength: 1, maxLength: 4 },
  ),
});

/** The decision (epoch 12) and the ingress instances of gateway `gw` an arbitrary draws. */
export function ingressCase({
  tenants,
  demands,
}: typeof ingressDecisionArb extends fc.Arbitrary<infer T> ? T : never): {
  decision: Decision;
  instances: InstanceDemand[];
} {
  const decision: Decision = {
    epoch: 12,
    ttlSeconds: 3,
    tenants: Object.fromEntries(
      Object.entries(tenants).map(([name, k]) => [
        name,
        {
          ...(k.slack === null ? {} : { deadlineAdmission: { slack: k.slack } }),
          ...(k.rate === undefined
            ? {}
            : { rateLimit: { ratePerSecond: k.rate, burst: k.burst ?? 1 } }),
          ...(k.burst === undefined ? {} : { weight: k.burst + 1 }),
        },
      ]),
    ),
  };
  const instances = demands.map((demand, i) => ({
    id: `in-${i}`,
    role: 'ingress' as const,
    service: 'gw',
    demand,
  }));
  return { decision, instances };
}

/** The envelope of the decision messages the codec tests build. */
export const DECISION_SHARED = { session: 's-7f3a', epoch: 12, window: 11, leaseSeconds: 3 };

/** A decision message carrying `part` in the `DECISION_SHARED` envelope. */
export const decisionOf = (part: DecisionPart): DecisionMessage => ({
  type: 'decision',
  ...DECISION_SHARED,
  part,
});

/** Every map's keys, depth first: equal messages built in another key order differ here. */
export function keyOrder(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...keyOrder(v)]);
}

/** An ingress decision part: rate limits (zero and unbounded among them) and deadline slack. */
export const INGRESS_PART: DecisionPart = {
  tenants: {
    gold: { rateLimit: { ratePerSecond: 412.75, burst: 41.2 }, deadlineAdmission: { slack: 0.2 } },
    silver: { rateLimit: { ratePerSecond: 0, burst: 1 } },
    bronze: { rateLimit: { ratePerSecond: Infinity, burst: Infinity } },
    '7': { deadlineAdmission: { slack: 0 } },
  },
};

/** A service decision part: every per-tenant knob, service-wide limits and overrides. */
export const SERVICE_PART: DecisionPart = {
  tenants: {
    gold: { weight: 4, priority: 2, concurrencyLimit: 30.5, admitProbability: 1 },
    silver: { weight: 0.5, priority: -1.5, queueDelayThreshold: 0.05, admitProbability: 0 },
    bronze: {},
  },
  services: {
    api: {
      concurrencyLimit: 120,
      queueDelayThreshold: 0.2,
      tenants: { gold: { concurrencyLimit: 12 }, bronze: { admitProbability: 0.25 } },
    },
    db: {},
  },
};

/** Tenant and service names for decision parts, awkward ones included. */
export const partNameArb = fc.oneof(
  fc.constantFrom('t0', 't1', 'gold', 'api', '7', 'constructor', '__proto__', 'é', '', 'a\u0007'),
  fc.string({ maxLength: 6 }),
);

/** A tenant's decision knobs, each present or not, with values drawn from `number`. */
export function tenantKnobsArb(number: fc.Arbitrary<number>) {
  return fc.record(
    {
      weight: number,
      priority: number,
      concurrencyLimit: number,
      queueDelayThreshold: number,
      admitProbability: number,
      rateLimit: fc.record({ ratePerSecond: number, burst: number }),
      deadlineAdmission: fc.record({ slack: number }),
    },
    { requiredKeys: [] },
  );
}

/**
 * A message body as sent, with the bytes at `flips` (mod its length) shifted by their
 * value, and that mutated copy with its last 3 bytes cut: what decoder fuzz tests feed.
 */
export function mutatedBodies(body: Uint8Array, flips: readonly number[]): Uint8Array[] {
  const bytes = new Uint8Array(body);
  for (const f of flips) bytes[f % bytes.length] = (bytes[f % bytes.length]! + f) & 0xff;
  return [body, bytes, bytes.subarray(0, Math.max(1, bytes.length - 3))];
}
