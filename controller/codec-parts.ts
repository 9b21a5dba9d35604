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

/** The fields of each payload (shared with the fast path, report-reader.ts). */
export const REPORT_FIELDS = [
  'window',
  'startSeconds',
  'endSeconds',
  'measured',
  'decisionEpoch',
  'tenants',
  'service',
] as const;
export const LATENCY_FIELDS = ['count', 'mean', 'p50', 'p90', 'p99', 'max'] as const;
export const TENANT_NUMBERS = [
  'weight',
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
/** A tenant's fields: these five, then `TENANT_NUMBERS`. */
export const TENANT_FIELDS = [
  'name',
  'slo',
  'guaranteedRate',
  'rejectedByReason',
  'latency',
  ...TENANT_NUMBERS,
] as const;
export const SERVICE_NUMBERS = [
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
export const SERVICE_TENANT_FIELDS = [
  'hops',
  'rejected',
  'meanQueueWait',
  'cpuSeconds',
  'outstanding',
] as const;
/** A packed report's fields (version 2, docs/protocol.md 5.3.1): v1's and `numbers`. */
export const PACKED_REPORT_FIELDS = [...REPORT_FIELDS, 'numbers'] as const;

/**
 * The numbers of one tenant in a packed report, in order, each a path into TenantSignals.
 * The order is report-rows.ts's row layout, so the daemon reads them straight into a row
 * (a test holds the two equal).
 */
export const PACKED_TENANT_FIELDS: readonly string[] = [
  'weight',
  'slo.latency',
  'slo.percentile',
  'guaranteedRate',
  'offered',
  'admitted',
  'rejected',
  ...REJECT_REASONS.map((r) => `rejectedByReason.${r}`),
  'completed',
  'failed',
  'timedOut',
  'retries',
  'goodput',
  'entitlement',
  ...LATENCY_FIELDS.map((k) => `latency.${k}`),
];
/** Numbers per tenant in a packed report. */
export const PACKED_STRIDE = PACKED_TENANT_FIELDS.length;
/** Where `slo.percentile` and `guaranteedRate` are among a tenant's packed numbers. */
export const PACKED_PERCENTILE = PACKED_TENANT_FIELDS.indexOf('slo.percentile');
export const PACKED_RATE = PACKED_TENANT_FIELDS.indexOf('guaranteedRate');
/** The packed stand-in for a null guaranteed rate (a rate is never negative). */
export const PACKED_NO_RATE = -1;

/** The tenants' numbers of a packed report: float 64, little-endian, tenant after tenant. */
export function packTenants(tenants: readonly TenantSignals[]): Uint8Array {
  const bytes = new Uint8Array(tenants.length * PACKED_STRIDE * 8);
  const view = new DataView(bytes.buffer);
  let at = 0;
  const put = (x: number) => {
    view.setFloat64(at, x, true);
    at += 8;
  };
  for (const t of tenants) {
    put(t.weight);
    put(t.slo.latency);
    put(t.slo.percentile);
    // A rate of -1 is invalid, not null: written as NaN, invalid in a packed report too.
    const rate = t.guaranteedRate;
    put(rate === null ? PACKED_NO_RATE : rate === PACKED_NO_RATE ? NaN : rate);
    put(t.offered);
    put(t.admitted);
    put(t.rejected);
    for (const r of REJECT_REASONS) put(t.rejectedByReason[r]);
    put(t.completed);
    put(t.failed);
    put(t.timedOut);
    put(t.retries);
    put(t.goodput);
    put(t.entitlement);
    for (const k of LATENCY_FIELDS) put(t.latency[k]);
  }
  return bytes;
}

/**
 * A packed report's `tenants` (names) and `numbers` → its tenants, checked by the rules
 * of version 1's tenant list (`readTenantList`): a packed report is valid exactly when the
 * same report written as version 1 is.
 */
export function unpackTenants(names: unknown, numbers: unknown, path: string): TenantSignals[] {
  const list = array(names, `${path}.tenants`, LIMITS.tenants);
  const want = list.length * PACKED_STRIDE * 8;
  if (!(numbers instanceof Uint8Array) || numbers.length !== want)
    throw new ProtocolError(
      `${path}.numbers must be a bin of ${want} bytes (${list.length} tenants × ${PACKED_STRIDE} float 64), got ${describeNumbers(numbers)}`,
    );
  const view = new DataView(numbers.buffer, numbers.byteOffset, numbers.byteLength);
  let at = 0;
  const next = () => {
    at += 8;
    return view.getFloat64(at - 8, true);
  };
  const wire = list.map((name) => {
    const weight = next();
    const slo = { latency: next(), percentile: next() };
    const rate = next();
    const offered = next();
    const admitted = next();
    const rejected = next();
    const rejectedByReason = Object.fromEntries(REJECT_REASONS.map((r) => [r, next()]));
    const completed = next();
    const failed = next();
    const timedOut = next();
    const retries = next();
    const goodput = next();
    const entitlement = next();
    const latency = Object.fromEntries(LATENCY_FIELDS.map((k) => [k, next()]));
    return {
      name,
      weight,
      slo,
      guaranteedRate: rate === PACKED_NO_RATE ? null : rate,
      offered,
      admitted,
      rejected,
      rejectedByReason,
      completed,
      failed,
      timedOut,
      retries,
      goodput,
      entitlement,
      latency,
    };
  });
  return readTenantList(wire, `${path}.tenants`);
}

function describeNumbers(value: unknown): string {
  return value instanceof Uint8Array ? `${value.length} bytes` : `a ${typeof value}`;
}

const LATENCY_KEYS = new Set<string>(LATENCY_FIELDS);
const SLO_KEYS = new Set(['latency', 'percentile']);
const REASON_KEYS = new Set<string>(REJECT_REASONS);
const TENANT_KEYS = new Set<string>(TENANT_FIELDS);

/**
 * `m[key]` if it is a finite number >= `min`; else a ProtocolError naming `path.key`.
 * The path is built only on failure: reports are decoded 1,000 at a time.
 */
function num(m: Record<string, unknown>, key: string, path: string, min = 0): number {
  const v = m[key];
  if (Number.isFinite(v) && (v as number) >= min) return v as number;
  return finite(v, `${path}.${key}`, min);
}

/**
 * One tenant's window signals as an ingress reports them. Every field is checked in the
 * decoded map, which then is the result (no copy: a round decodes 8,000 of them).
 */
export function readTenantSignals(value: unknown, path: string): TenantSignals {
  const m = record(value, path, TENANT_KEYS);
  const slo = record(m.slo, `${path}.slo`, SLO_KEYS);
  num(slo, 'latency', `${path}.slo`);
  bounded(slo.percentile, `${path}.slo.percentile`, 0, 100);
  const lat = record(m.latency, `${path}.latency`, LATENCY_KEYS);
  for (const k of LATENCY_KEYS) num(lat, k, `${path}.latency`);
  const reasons = record(m.rejectedByReason, `${path}.rejectedByReason`, REASON_KEYS);
  for (const r of REJECT_REASONS) num(reasons, r, `${path}.rejectedByReason`);
  name(m.name, `${path}.name`);
  if (m.guaranteedRate !== null) num(m, 'guaranteedRate', path);
  for (const k of TENANT_NUMBERS) num(m, k, path);
  return m as unknown as TenantSignals;
}

export function readTenantList(value: unknown, path: string): TenantSignals[] {
  const raw = array(value, path, LIMITS.tenants);
  const list: TenantSignals[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < raw.length; i++) {
    const t = readTenantSignals(raw[i], `${path}[${i}]`);
    if (seen.has(t.name)) throw new ProtocolError(`${path} names tenant '${t.name}' twice`);
    seen.add(t.name);
    list.push(t);
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
    const t = record(v, `${path}.tenants.${tenant}`, SERVICE_TENANT_FIELDS);
    tenants[tenant] = Object.fromEntries(
      SERVICE_TENANT_FIELDS.map((k) => [k, finite(t[k], `${path}.tenants.${tenant}.${k}`, 0)]),
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
