/**
 * The features of ClusterEnv's observation, computed from one window's `Signals`. Every
 * feature is scale-free (normalised by the tenant's own load, guarantee or SLO) and lies
 * in [-1, 1], so one policy serves clusters of any size and speed.
 *
 * `logRatio(x) = clamp(log2(x) / 6, -1, 1)` maps ratios spanning decades (1/64 … 64) onto
 * [-1, 1] with 1 ↦ 0; `fraction(x)` clamps to [0, 1].
 */
import type { TenantDecision } from '../../sim-cluster/enforcement.js';
import type { ServiceSignals, Signals, TenantSignals } from '../../sim-cluster/signals.js';
import { tenantScore, windowScoreValue } from './slo-score.js';

/** Names of the global features, in order. */
export const GLOBAL_FEATURES = [
  'tenants/active-fraction',
  'tenants/overflow-fraction',
  'services/max-utilization',
  'services/mean-utilization',
  'services/queued-fraction',
  'services/replicas-up-fraction',
  'window/score',
  'window/rejected-fraction',
  'window/log-seconds',
] as const;

/** Names of the per-tenant features (before the previous action's), in order. */
export const TENANT_FEATURES = [
  'offered/vs-guarantee',
  'offered/has-guarantee',
  'offered/trend',
  'offered/share',
  'admitted/fraction',
  'rejected/fraction',
  'rejected/rate-limited-fraction',
  'completed/fraction',
  'failed/fraction',
  'retries/per-request',
  'score',
  'goodput/vs-completed',
  'latency/p50-vs-slo',
  'latency/p90-vs-slo',
  'latency/p99-vs-slo',
  'slo/log-latency',
  'slo/percentile',
  'weight/log',
  'services/max-utilization',
  'services/max-queue-wait-vs-slo',
  'services/max-service-wait-vs-slo',
  'services/cpu-share',
  'services/hop-rejected-fraction',
  'services/outstanding-vs-little',
] as const;

/**
 * Names of the per-tenant features of the residual base's own decision for the coming
 * window (the codec's `baseFeatures`), after `TENANT_FEATURES`, in order. A residual
 * correction scales the base's rate limit, so the policy must see that limit to aim at a
 * rate: against the tenant's offered rate and against its guarantee.
 */
export const BASE_FEATURES = [
  'base/rate-limited',
  'base/rate-vs-offered',
  'base/rate-vs-guarantee',
] as const;

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
/** clamp(log2(x) / 6, -1, 1); 0 and NaN map to -1. */
export const logRatio = (x: number): number => (x > 0 ? clamp(Math.log2(x) / 6, -1, 1) : -1);
export const fraction = (x: number): number => (x > 0 ? (x < 1 ? x : 1) : 0);
/** `a ÷ b`, or `ifZero` when `b` is 0. */
const ratio = (a: number, b: number, ifZero: number): number => (b > 0 ? a / b : ifZero);

/** Writes the global features of `signals` at `out[offset…]`. */
export function writeGlobalFeatures(
  signals: Signals,
  activeSlots: number,
  slotCount: number,
  out: Float32Array,
  offset: number,
): void {
  const services = signals.services;
  let maxUtil = 0;
  let sumUtil = 0;
  let queued = 0;
  let up = 0;
  let replicas = 0;
  for (const s of services) {
    maxUtil = Math.max(maxUtil, s.utilization);
    sumUtil += s.utilization;
    if (s.queueLength > 0) queued++;
    up += s.replicasUp;
    replicas += s.replicas;
  }
  let offered = 0;
  let rejected = 0;
  for (const t of signals.tenants) {
    offered += t.offered;
    rejected += t.rejected;
  }
  const n = services.length;
  const seconds = signals.endSeconds - signals.startSeconds;
  out[offset] = activeSlots / slotCount;
  out[offset + 1] = fraction((signals.tenants.length - activeSlots) / slotCount);
  out[offset + 2] = fraction(maxUtil);
  out[offset + 3] = fraction(ratio(sumUtil, n, 0));
  out[offset + 4] = ratio(queued, n, 0);
  out[offset + 5] = ratio(up, replicas, 1);
  out[offset + 6] = windowScoreValue(signals);
  out[offset + 7] = fraction(ratio(rejected, offered, 0));
  out[offset + 8] = seconds > 0 ? clamp(Math.log10(seconds) / 3, -1, 1) : -1;
}

/** What a tenant's features need beyond its own signals. */
export interface TenantContext {
  /** Index of the tenant in `signals.tenants` (and in each service's `tenants`). */
  readonly index: number;
  /** The tenant's smoothed offered rate before this window (requests/s; 0 when new). */
  readonly recentOfferedRate: number;
  /** Total offered rate of all tenants in the window (requests/s). */
  readonly totalOfferedRate: number;
  readonly windowSeconds: number;
}

/** Writes the `TENANT_FEATURES` of one tenant at `out[offset…]`. */
export function writeTenantFeatures(
  t: TenantSignals,
  services: readonly ServiceSignals[],
  ctx: TenantContext,
  out: Float32Array,
  offset: number,
): void {
  const rate = ratio(t.offered, ctx.windowSeconds, 0);
  const g = t.guaranteedRate;
  const slo = t.slo.latency;
  const offered = t.offered;
  const score = tenantScore(t.goodput, t.entitlement);
  out[offset] = g === null ? 0 : logRatio(ratio(rate, g, 0));
  out[offset + 1] = g === null ? 0 : 1;
  out[offset + 2] = ctx.recentOfferedRate > 0 ? logRatio(rate / ctx.recentOfferedRate) : 0;
  out[offset + 3] = fraction(ratio(rate, ctx.totalOfferedRate, 0));
  out[offset + 4] = fraction(ratio(t.admitted, offered, 1));
  out[offset + 5] = fraction(ratio(t.rejected, offered, 0));
  out[offset + 6] = fraction(ratio(t.rejectedByReason['rate-limit'], offered, 0));
  out[offset + 7] = fraction(ratio(t.completed, offered, 1));
  out[offset + 8] = fraction(ratio(t.failed, offered, 0));
  out[offset + 9] = fraction(ratio(t.retries, offered, 0));
  out[offset + 10] = score === null ? 1 : score;
  out[offset + 11] = fraction(ratio(t.goodput, t.completed, 1));
  out[offset + 12] = logRatio(t.latency.p50 / slo);
  out[offset + 13] = logRatio(t.latency.p90 / slo);
  out[offset + 14] = logRatio(t.latency.p99 / slo);
  out[offset + 15] = clamp(Math.log10(slo) / 3, -1, 1);
  out[offset + 16] = clamp((t.slo.percentile - 50) / 50, -1, 1);
  out[offset + 17] = clamp(Math.log2(t.weight) / 4, -1, 1);
  writePooledServiceFeatures(services, ctx.index, slo, rate, out, offset + 18);
}

/** Per-service signals pooled over the services the tenant touched in the window. */
function writePooledServiceFeatures(
  services: readonly ServiceSignals[],
  index: number,
  slo: number,
  rate: number,
  out: Float32Array,
  offset: number,
): void {
  let maxUtil = 0;
  let maxOwnWait = 0;
  let maxServiceWait = 0;
  let cpu = 0;
  let cpuAll = 0;
  let hops = 0;
  let rejected = 0;
  let outstanding = 0;
  for (const s of services) {
    const st = s.tenants[index];
    for (const other of s.tenants) cpuAll += other.cpuSeconds;
    if (st === undefined) continue;
    const touched = st.hops + st.rejected + st.outstanding + st.cpuSeconds > 0;
    if (!touched) continue;
    maxUtil = Math.max(maxUtil, s.utilization);
    maxOwnWait = Math.max(maxOwnWait, st.meanQueueWait);
    maxServiceWait = Math.max(maxServiceWait, s.meanWait);
    cpu += st.cpuSeconds;
    hops += st.hops;
    rejected += st.rejected;
    outstanding += st.outstanding;
  }
  out[offset] = fraction(maxUtil);
  out[offset + 1] = logRatio(maxOwnWait / slo);
  out[offset + 2] = logRatio(maxServiceWait / slo);
  out[offset + 3] = fraction(ratio(cpu, cpuAll, 0));
  out[offset + 4] = fraction(ratio(rejected, hops + rejected, 0));
  out[offset + 5] = logRatio(outstanding / Math.max(1, rate * slo));
}

/**
 * Writes the `BASE_FEATURES` of one tenant at `out[offset…]`, from the base's decision
 * for it (`undefined`: the base sets nothing for the tenant). A tenant without a limit
 * is at the top of both ratios (its limit is unbounded); one without a guarantee has 0
 * against it, as `offered/vs-guarantee` has.
 */
export function writeBaseFeatures(
  t: TenantSignals,
  base: TenantDecision | undefined,
  windowSeconds: number,
  out: Float32Array,
  offset: number,
): void {
  const limit = base?.rateLimit?.ratePerSecond;
  const limited = limit !== undefined && limit < Infinity;
  const rate = ratio(t.offered, windowSeconds, 0);
  out[offset] = limited ? 1 : 0;
  out[offset + 1] = limited ? logRatio(ratio(limit, rate, Infinity)) : 1;
  const g = t.guaranteedRate;
  out[offset + 2] = g === null || !(g > 0) ? 0 : limited ? logRatio(limit / g) : 1;
}
