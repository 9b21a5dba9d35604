/**
 * Validators for the payloads inside protocol messages: window signals (tenants and
 * services) and decision parts. Every field is checked; names, counts and ranges follow
 * docs/protocol.md.
 */
import {
  REJECT_REASONS,
  type AdmissionKnobs,
  type TenantDecision,
} from '../sim-cluster/enforcement.js';
import type { ServiceDecision } from '../sim-cluster/enforcement.js';
import type { ServiceTenantSignals, TenantSignals } from '../sim-cluster/signals.js';
import { ProtocolError } from '../sim-cluster/errors.js';
import { array, bounded, finite, name, namedMap, record } from './fields.js';
import { LIMITS, type DecisionPart, type ServiceReport } from './protocol.js';

const LATENCY_KEYS = ['count', 'mean', 'p50', 'p90', 'p99', 'max'] as const;
const TENANT_COUNTS = [
  'offered',
  'admitted',
  'rejected',
  'completed',
  'failed',
  'timedOut',
  'retries',
  'goodput',
  'entitlement',
] as const;
const TENANT_KEYS = [
  'name',
  'weight',
  'slo',
  'guaranteedRate',
  'rejectedByReason',
  'latency',
  ...TENANT_COUNTS,
];
const SERVICE_NUMBERS = [
  'replicas',
  'replicasUp',
  'cores',
  'workers',
  'utilization',
  'meanQueueLength',
  'queueLength',
  'meanWait',
  'throughput',
  'rejected',
] as const;
const SERVICE_TENANT_KEYS = [
  'hops',
  'rejected',
  'meanQueueWait',
  'cpuSeconds',
  'outstanding',
] as const;

/** One tenant's window signals as an ingress reports them. */
export function readTenantSignals(value: unknown, path: string): TenantSignals {
  const m = record(value, path, TENANT_KEYS);
  const slo = record(m.slo, `${path}.slo`, ['latency', 'percentile']);
  const latency = record(m.latency, `${path}.latency`, LATENCY_KEYS);
  const reasons = record(m.rejectedByReason, `${path}.rejectedByReason`, REJECT_REASONS);
  const counts = Object.fromEntries(TENANT_COUNTS.map((k) => [k, finite(m[k], `${path}.${k}`, 0)]));
  return {
    name: name(m.name, `${path}.name`),
    weight: finite(m.weight, `${path}.weight`, 0),
    slo: {
      latency: finite(slo.latency, `${path}.slo.latency`, 0),
      percentile: bounded(slo.percentile, `${path}.slo.percentile`, 0, 100),
    },
    guaranteedRate:
      m.guaranteedRate === null ? null : finite(m.guaranteedRate, `${path}.guaranteedRate`, 0),
    rejectedByReason: Object.fromEntries(
      REJECT_REASONS.map((r) => [r, finite(reasons[r], `${path}.rejectedByReason.${r}`, 0)]),
    ) as TenantSignals['rejectedByReason'],
    latency: {
      count: finite(latency.count, `${path}.latency.count`, 0),
      mean: finite(latency.mean, `${path}.latency.mean`, 0),
      p50: finite(latency.p50, `${path}.latency.p50`, 0),
      p90: finite(latency.p90, `${path}.latency.p90`, 0),
      p99: finite(latency.p99, `${path}.latency.p99`, 0),
      max: finite(latency.max, `${path}.latency.max`, 0),
    },
    ...(counts as Record<(typeof TENANT_COUNTS)[number], number>),
  };
}

export function readTenantList(value: unknown, path: string): TenantSignals[] {
  const list = array(value, path, LIMITS.tenants).map((t, i) =>
    readTenantSignals(t, `${path}[${i}]`),
  );
  const seen = new Set<string>();
  for (const t of list) {
    if (seen.has(t.name)) throw new ProtocolError(`${path} names tenant '${t.name}' twice`);
    seen.add(t.name);
  }
  return list;
}

/** A service instance's report of its own service. */
export function readServiceReport(value: unknown, path: string): ServiceReport {
  const m = record(value, path, ['name', 'tenants', ...SERVICE_NUMBERS]);
  const numbers = Object.fromEntries(
    SERVICE_NUMBERS.map((k) => [k, finite(m[k], `${path}.${k}`, 0)]),
  );
  const tenants: Record<string, ServiceTenantSignals> = {};
  for (const [tenant, v] of namedMap(m.tenants, `${path}.tenants`, LIMITS.tenants)) {
    const t = record(v, `${path}.tenants.${tenant}`, SERVICE_TENANT_KEYS);
    tenants[tenant] = Object.fromEntries(
      SERVICE_TENANT_KEYS.map((k) => [k, finite(t[k], `${path}.tenants.${tenant}.${k}`, 0)]),
    ) as unknown as ServiceTenantSignals;
  }
  return {
    name: name(m.name, `${path}.name`),
    ...(numbers as Record<(typeof SERVICE_NUMBERS)[number], number>),
    tenants,
  };
}

const KNOB_KEYS = [
  'weight',
  'priority',
  'concurrencyLimit',
  'queueDelayThreshold',
  'admitProbability',
];

/** Admission knobs, each checked against the range the enforcement points accept. */
export function readKnobs(
  value: unknown,
  path: string,
  extra: readonly string[] = [],
): AdmissionKnobs {
  const m = record(value, path, [...KNOB_KEYS, ...extra]);
  const out: { -readonly [K in keyof AdmissionKnobs]: AdmissionKnobs[K] } = {};
  if (m.weight !== undefined) out.weight = positive(m.weight, `${path}.weight`);
  if (m.priority !== undefined) out.priority = finite(m.priority, `${path}.priority`);
  if (m.concurrencyLimit !== undefined)
    out.concurrencyLimit = positive(m.concurrencyLimit, `${path}.concurrencyLimit`);
  if (m.queueDelayThreshold !== undefined)
    out.queueDelayThreshold = positive(m.queueDelayThreshold, `${path}.queueDelayThreshold`);
  if (m.admitProbability !== undefined)
    out.admitProbability = bounded(m.admitProbability, `${path}.admitProbability`, 0, 1);
  return out;
}

/** The part of a decision addressed to one instance. */
export function readDecisionPart(value: unknown, path: string): DecisionPart {
  const m = record(value, path, ['tenants', 'services']);
  const part: {
    tenants?: Record<string, TenantDecision>;
    services?: Record<string, ServiceDecision>;
  } = {};
  if (m.tenants !== undefined) {
    part.tenants = {};
    for (const [tenant, v] of namedMap(m.tenants, `${path}.tenants`, LIMITS.tenants)) {
      const p = `${path}.tenants.${tenant}`;
      const out: { -readonly [K in keyof TenantDecision]: TenantDecision[K] } = readKnobs(v, p, [
        'rateLimit',
        'deadlineAdmission',
      ]);
      const { rateLimit, deadlineAdmission } = v as Record<string, unknown>;
      if (rateLimit !== undefined) {
        const r = record(rateLimit, `${p}.rateLimit`, ['ratePerSecond', 'burst']);
        out.rateLimit = {
          ratePerSecond: bounded(r.ratePerSecond, `${p}.rateLimit.ratePerSecond`, 0, Infinity),
          burst: bounded(r.burst, `${p}.rateLimit.burst`, 1, Infinity),
        };
      }
      if (deadlineAdmission !== undefined) {
        const d = record(deadlineAdmission, `${p}.deadlineAdmission`, ['slack']);
        const slack = bounded(d.slack, `${p}.deadlineAdmission.slack`, 0, 1);
        if (slack === 1) throw new ProtocolError(`${p}.deadlineAdmission.slack must be < 1, got 1`);
        out.deadlineAdmission = { slack };
      }
      part.tenants[tenant] = out;
    }
  }
  if (m.services !== undefined) {
    part.services = {};
    for (const [service, v] of namedMap(m.services, `${path}.services`, LIMITS.services)) {
      part.services[service] = readServiceDecision(v, `${path}.services.${service}`);
    }
  }
  return part;
}

/** A number > 0 (Infinity allowed): weights, concurrency limits, delay thresholds. */
function positive(value: unknown, path: string): number {
  return bounded(value, path, 0, Infinity, true);
}
function readServiceDecision(value: unknown, path: string): ServiceDecision {
  const m = record(value, path, ['concurrencyLimit', 'queueDelayThreshold', 'tenants']);
  const out: { -readonly [K in keyof ServiceDecision]: ServiceDecision[K] } = {};
  if (m.concurrencyLimit !== undefined)
    out.concurrencyLimit = positive(m.concurrencyLimit, `${path}.concurrencyLimit`);
  if (m.queueDelayThreshold !== undefined)
    out.queueDelayThreshold = positive(m.queueDelayThreshold, `${path}.queueDelayThreshold`);
  if (m.tenants !== undefined) {
    const tenants: Record<string, AdmissionKnobs> = {};
    for (const [tenant, v] of namedMap(m.tenants, `${path}.tenants`, LIMITS.tenants)) {
      tenants[tenant] = readKnobs(v, `${path}.tenants.${tenant}`);
    }
    out.tenants = tenants;
  }
  return out;
}
