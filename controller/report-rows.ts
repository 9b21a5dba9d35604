/**
 * A round's reports stored column-wise: each instance keeps one reused row of numbers
 * (its tenants' signals, 27 numbers each, tenants named by a small integer), and the
 * round is aggregated from the rows when it closes.
 *
 * Why not keep the decoded reports: 1,000 report objects (~3.5 KB each) retained from
 * the first report to the round's end outlive two scavenges, are promoted, and every few
 * rounds V8 marks and compacts the old space — pauses of 8-20 ms that landed inside
 * rounds. A row is filled once per window and then reused, so nothing a round keeps is
 * allocated per report, and summing typed arrays is cheaper than walking objects.
 *
 * `aggregateRows` gives exactly `aggregateSignals` (aggregate.ts, the reference) of the
 * same reports in the same order: the same sums in the same order, so the same bits
 * (a differential test holds them equal).
 */
import { REJECT_REASONS } from '../sim-cluster/enforcement.js';
import type { LatencySignals, Signals, TenantSignals } from '../sim-cluster/signals.js';
import { mergeServices } from './aggregate.js';
import type { ReportMessage, ServiceReport } from './protocol.js';

// Offsets of one tenant's numbers in a row.
const WEIGHT = 0;
const SLO_LATENCY = 1;
const SLO_PERCENTILE = 2;
/** NaN stands for a null guaranteed rate (a valid report never holds NaN). */
const GUARANTEED = 3;
const OFFERED = 4;
const ADMITTED = 5;
const REJECTED = 6;
/** The rejections, in `REJECT_REASONS` order. */
const REASONS = 7;
const COMPLETED = REASONS + REJECT_REASONS.length;
const FAILED = COMPLETED + 1;
const TIMED_OUT = COMPLETED + 2;
const RETRIES = COMPLETED + 3;
const GOODPUT = COMPLETED + 4;
const ENTITLEMENT = COMPLETED + 5;
/** The latency statistics, in `LATENCY_FIELDS` order (count, mean, p50, p90, p99, max). */
const L_COUNT = COMPLETED + 6;
const L_MEAN = L_COUNT + 1;
const L_P50 = L_COUNT + 2;
const L_P90 = L_COUNT + 3;
const L_P99 = L_COUNT + 4;
const L_MAX = L_COUNT + 5;
/** Numbers per tenant in a row. */
export const TENANT_STRIDE = L_MAX + 1;

/** Where a tenant's fields go in its stretch of a row (for readers writing rows). */
export const ROW = {
  weight: WEIGHT,
  sloLatency: SLO_LATENCY,
  sloPercentile: SLO_PERCENTILE,
  guaranteedRate: GUARANTEED,
  offered: OFFERED,
  admitted: ADMITTED,
  rejected: REJECTED,
  rejectedByReason: REASONS,
  completed: COMPLETED,
  failed: FAILED,
  timedOut: TIMED_OUT,
  retries: RETRIES,
  goodput: GOODPUT,
  entitlement: ENTITLEMENT,
  latency: L_COUNT,
} as const;

/** One instance's report of one window, as numbers. */
export class ReportRow {
  startSeconds = 0;
  endSeconds = 0;
  measured = false;
  decisionEpoch = -1;
  tenantCount = 0;
  /** The tenants' names; tenant `i`'s numbers start at `i * TENANT_STRIDE` in `values`. */
  readonly names: string[] = [];
  values = new Float64Array(8 * TENANT_STRIDE);
  /** Service reports are few and rarely large: kept as decoded. */
  service: ServiceReport | null = null;

  /** Room for `tenants` tenants (the numbers already held may be lost). */
  reserve(tenants: number): Float64Array {
    if (tenants * TENANT_STRIDE > this.values.length)
      this.values = new Float64Array(tenants * TENANT_STRIDE);
    return this.values;
  }

  /** Overwrites the row with `report`. */
  fill(report: ReportMessage): void {
    this.fillHeader(report);
    const tenants = report.tenants;
    const v = this.reserve(tenants.length);
    for (let i = 0; i < tenants.length; i++) {
      const t = tenants[i]!;
      const o = i * TENANT_STRIDE;
      this.names[i] = t.name;
      v[o + WEIGHT] = t.weight;
      v[o + SLO_LATENCY] = t.slo.latency;
      v[o + SLO_PERCENTILE] = t.slo.percentile;
      v[o + GUARANTEED] = t.guaranteedRate ?? NaN;
      v[o + OFFERED] = t.offered;
      v[o + ADMITTED] = t.admitted;
      v[o + REJECTED] = t.rejected;
      for (let r = 0; r < REJECT_REASONS.length; r++)
        v[o + REASONS + r] = t.rejectedByReason[REJECT_REASONS[r]!];
      v[o + COMPLETED] = t.completed;
      v[o + FAILED] = t.failed;
      v[o + TIMED_OUT] = t.timedOut;
      v[o + RETRIES] = t.retries;
      v[o + GOODPUT] = t.goodput;
      v[o + ENTITLEMENT] = t.entitlement;
      const l = t.latency;
      v[o + L_COUNT] = l.count;
      v[o + L_MEAN] = l.mean;
      v[o + L_P50] = l.p50;
      v[o + L_P90] = l.p90;
      v[o + L_P99] = l.p99;
      v[o + L_MAX] = l.max;
    }
    this.names.length = tenants.length;
    this.tenantCount = tenants.length;
  }

  /** Everything of `report` but its tenants. */
  fillHeader(report: ReportMessage): void {
    this.startSeconds = report.startSeconds;
    this.endSeconds = report.endSeconds;
    this.measured = report.measured;
    this.decisionEpoch = report.decisionEpoch;
    this.service = report.service;
  }
}

/**
 * Running sums of one tenant across rows, in row order: the operations of aggregate.ts's
 * `TenantSum` (every sum from 0, latency statistics weighted by count, the max).
 */
class TenantColumn {
  /** The aggregation this column was last started in. */
  stamp = 0;
  /** How many rows held the tenant. */
  n = 0;
  /** The first row holding it, and the tenant's offset there. */
  headRow: ReportRow | null = null;
  headOffset = 0;
  readonly sums = new Float64Array(TENANT_STRIDE);

  constructor(readonly name: string) {}

  start(stamp: number, row: ReportRow, offset: number): void {
    this.stamp = stamp;
    this.n = 0;
    this.headRow = row;
    this.headOffset = offset;
    this.sums.fill(0);
  }

  add(v: Float64Array, o: number): void {
    const s = this.sums;
    this.n++;
    for (let k = OFFERED; k < L_COUNT; k++) s[k]! += v[o + k]!;
    const count = v[o + L_COUNT]!;
    s[L_COUNT]! += count;
    s[L_MEAN]! += v[o + L_MEAN]! * count;
    s[L_P50]! += v[o + L_P50]! * count;
    s[L_P90]! += v[o + L_P90]! * count;
    s[L_P99]! += v[o + L_P99]! * count;
    s[L_MAX] = Math.max(s[L_MAX]!, v[o + L_MAX]!);
  }

  /** The merged signals; a tenant of one row comes back exactly as reported. */
  result(): TenantSignals {
    const h = this.headRow!.values;
    const o = this.headOffset;
    const s = this.n === 1 ? h.subarray(o, o + TENANT_STRIDE) : this.sums;
    const rate = h[o + GUARANTEED]!;
    return {
      name: this.name,
      weight: h[o + WEIGHT]!,
      slo: { latency: h[o + SLO_LATENCY]!, percentile: h[o + SLO_PERCENTILE]! },
      guaranteedRate: Number.isNaN(rate) ? null : rate,
      offered: s[OFFERED]!,
      admitted: s[ADMITTED]!,
      rejected: s[REJECTED]!,
      rejectedByReason: reasonsOf(s),
      completed: s[COMPLETED]!,
      failed: s[FAILED]!,
      timedOut: s[TIMED_OUT]!,
      retries: s[RETRIES]!,
      goodput: s[GOODPUT]!,
      entitlement: s[ENTITLEMENT]!,
      latency: this.n === 1 ? latencyOf(s) : this.latencyMean(),
    };
  }

  private latencyMean(): LatencySignals {
    const s = this.sums;
    const c = s[L_COUNT]!;
    return {
      count: c,
      mean: c === 0 ? 0 : s[L_MEAN]! / c,
      p50: c === 0 ? 0 : s[L_P50]! / c,
      p90: c === 0 ? 0 : s[L_P90]! / c,
      p99: c === 0 ? 0 : s[L_P99]! / c,
      max: s[L_MAX]!,
    };
  }
}

function reasonsOf(s: Float64Array): TenantSignals['rejectedByReason'] {
  const out: Record<string, number> = {};
  for (let r = 0; r < REJECT_REASONS.length; r++) out[REJECT_REASONS[r]!] = s[REASONS + r]!;
  return out as TenantSignals['rejectedByReason'];
}

function latencyOf(s: Float64Array): LatencySignals {
  return {
    count: s[L_COUNT]!,
    mean: s[L_MEAN]!,
    p50: s[L_P50]!,
    p90: s[L_P90]!,
    p99: s[L_P99]!,
    max: s[L_MAX]!,
  };
}

/** Columns by tenant name, reused from round to round (afresh past `MAX_COLUMNS`). */
const columns = new Map<string, TenantColumn>();
const MAX_COLUMNS = 4 * 1024;
/** Counts aggregations, to tell a column started in this one from a stale one. */
let stamp = 0;

/**
 * The rows of one window (in instance registration order) → Signals, equal to
 * `aggregateSignals(window, reports)` of the reports they were filled from.
 */
export function aggregateRows(window: number, rows: readonly ReportRow[]): Signals {
  if (columns.size > MAX_COLUMNS) columns.clear();
  stamp++;
  /** This round's tenants in order of first appearance. */
  const order: TenantColumn[] = [];
  let startSeconds = Infinity;
  let endSeconds = -Infinity;
  let decisionEpoch = -Infinity;
  let measured = false;
  const services: ServiceReport[] = [];
  for (const row of rows) {
    const v = row.values;
    for (let i = 0; i < row.tenantCount; i++) {
      const name = row.names[i]!;
      let column = columns.get(name);
      if (column === undefined) columns.set(name, (column = new TenantColumn(name)));
      if (column.stamp !== stamp) {
        column.start(stamp, row, i * TENANT_STRIDE);
        order.push(column);
      }
      column.add(v, i * TENANT_STRIDE);
    }
    if (row.service !== null) services.push(row.service);
    startSeconds = Math.min(startSeconds, row.startSeconds);
    endSeconds = Math.max(endSeconds, row.endSeconds);
    decisionEpoch = Math.max(decisionEpoch, row.decisionEpoch);
    measured ||= row.measured;
  }
  const tenants = order.map((column) => column.result());
  const none = rows.length === 0;
  return {
    window,
    startSeconds: none ? 0 : startSeconds,
    endSeconds: none ? 0 : endSeconds,
    measured,
    decisionEpoch: none ? -1 : decisionEpoch,
    tenants,
    services: mergeServices(services, tenants),
  };
}
