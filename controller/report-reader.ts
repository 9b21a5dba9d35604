/**
 * The fast path for the messages every instance sends every second: a `heartbeat` body
 * is read and checked straight from its MessagePack bytes (`readHeartbeat`, what
 * `decodeMessage` tries first), and a `report` body straight into the daemon's
 * `ReportRow` (`readReportRow`: no object per tenant; a round reads 1,000 reports).
 * Reports decoded anywhere else take the generic path: only the daemon reads them at
 * that rate.
 *
 * It accepts only what the generic path accepts, giving equal values, and returns null
 * for anything else: another type, or anything unusual (duplicate or unknown keys,
 * 64-bit integers, non-ASCII strings, a field out of range…). The generic path then
 * decodes that body and, if it is invalid, names the rule it breaks (docs/protocol.md).
 */
import { REJECT_REASONS } from '../sim-cluster/enforcement.js';
import type { ServiceTenantSignals, TenantSignals } from '../sim-cluster/signals.js';
import {
  LATENCY_FIELDS,
  PACKED_NO_RATE,
  PACKED_PERCENTILE,
  PACKED_RATE,
  PACKED_REPORT_FIELDS,
  PACKED_STRIDE,
  REPORT_FIELDS,
  SERVICE_NUMBERS,
  SERVICE_TENANT_FIELDS,
  TENANT_FIELDS,
} from './codec-parts.js';
import {
  LIMITS,
  MAX_MESSAGE_BYTES,
  PACKED_VERSION,
  PROTOCOL_VERSION,
  type HeartbeatMessage,
  type ReportMessage,
  type ServiceReport,
} from './protocol.js';
import { type ReportRow, ROW, TENANT_STRIDE } from './report-rows.js';
import {
  arraySize,
  atEnd,
  BAIL,
  begin,
  binLength,
  bool,
  copyFloat64s,
  end,
  here,
  indexOf,
  int,
  isAt,
  key,
  mapSize,
  nameString,
  nil,
  nonNegative,
  num,
  once,
  skip,
  table,
  wireKey,
  type KeyTable,
} from './wire-reader.js';

const REPORT_KEYS = ['v', 'type', ...REPORT_FIELDS] as const;
const PACKED_KEYS = ['v', 'type', ...PACKED_REPORT_FIELDS] as const;
const SLO_KEYS = ['latency', 'percentile'] as const;
const SERVICE_KEYS = ['name', 'tenants', ...SERVICE_NUMBERS] as const;

const T_REPORT = table(REPORT_KEYS);
const T_PACKED = table(PACKED_KEYS);
const T_TENANT = table(TENANT_FIELDS);
const T_SLO = table(SLO_KEYS);
const T_LATENCY = table(LATENCY_FIELDS);
const T_REASONS = table(REJECT_REASONS);
const T_SERVICE = table(SERVICE_KEYS);
const T_SERVICE_TENANT = table(SERVICE_TENANT_FIELDS);
const REPORT_TYPE = wireKey('report');
const HEARTBEAT_KEYS = ['v', 'type', 'seq', 'epoch', 'leaseSeconds'] as const;
const T_HEARTBEAT = table(HEARTBEAT_KEYS);
const HEARTBEAT_TYPE = wireKey('heartbeat');

// A packed report's numbers are copied into a row index for index (`packedNumbers`).
if (PACKED_STRIDE !== TENANT_STRIDE)
  throw new Error(`packed tenants hold ${PACKED_STRIDE} numbers, rows ${TENANT_STRIDE}`);

const TENANT = indexOf(TENANT_FIELDS);
const SERVICE = indexOf(SERVICE_KEYS);
const SERVICE_TENANT = indexOf(SERVICE_TENANT_FIELDS);

/**
 * The numbers of the map being read, by key index, one array per kind of map (they
 * nest). The objects are built from them as literals of one fixed shape each, rather
 * than by storing keys one by one.
 *
 * The arrays hold tagged values (they start out holding null, so V8 never switches them
 * to unboxed doubles): an integer read stays a small integer all the way into its field,
 * where a Float64Array would hand V8 a double and make it box every field of the decoded
 * objects (a service report is kept in its row for the whole round).
 */
function scratch(length: number): number[] {
  return Array.from({ length }, () => null) as unknown as number[];
}
const SERVICE_NUM = scratch(SERVICE_KEYS.length);
const SERVICE_TENANT_NUM = scratch(SERVICE_TENANT_FIELDS.length);

/** Runs `read` over `body`; null when it bails or leaves bytes unread. */
function readWhole<T>(body: Uint8Array, read: () => T | null): T | null {
  begin(body);
  try {
    const message = read();
    return atEnd() ? message : null;
  } catch {
    return null; // BAIL (or any surprise): the generic path decides.
  } finally {
    end();
  }
}

/** The heartbeat in `body`, validated, or null to let the generic path decide. */
export function readHeartbeat(body: Uint8Array): HeartbeatMessage | null {
  return readWhole(body, () => (mapSize() === HEARTBEAT_KEYS.length ? heartbeatMessage() : null));
}

/**
 * The report in `body` (version 1, or 2's packed report) read into `row`
 * (report-rows.ts): the tenants' numbers go straight into the row, no object per tenant,
 * and the message comes back with an empty `tenants` list. Null for anything unusual (the
 * generic path decides); `row` is then left half written. What the daemon reads a
 * round's reports with.
 */
export function readReportRow(body: Uint8Array, row: ReportRow): ReportMessage | null {
  if (body.length > MAX_MESSAGE_BYTES) return null;
  return readWhole(body, () => {
    const size = mapSize();
    if (size === REPORT_KEYS.length) return reportMessage(row, false);
    return size === PACKED_KEYS.length ? reportMessage(row, true) : null;
  });
}

const NO_TENANTS: readonly TenantSignals[] = Object.freeze([]);

function heartbeatMessage(): HeartbeatMessage {
  let seen = 0;
  let k: number = HEARTBEAT_KEYS.length;
  let seq = 0;
  let epoch = 0;
  let leaseSeconds = 0;
  for (let i = 0; i < HEARTBEAT_KEYS.length; i++) {
    k = key(T_HEARTBEAT, k);
    seen = once(seen, k);
    if (k === 0) {
      if (num() !== PROTOCOL_VERSION) throw BAIL;
    } else if (k === 1) {
      if (!isAt(HEARTBEAT_TYPE)) throw BAIL;
    } else if (k === 2) seq = int(0);
    else if (k === 3) epoch = int(-1);
    else leaseSeconds = nonNegative();
  }
  return { type: 'heartbeat', seq, epoch, leaseSeconds };
}

/** A report's fields (its map header read), its tenants into `row`; `packed`: version 2. */
function reportMessage(row: ReportRow, packed: boolean): ReportMessage {
  const n = packed ? PACKED_KEYS.length : REPORT_KEYS.length;
  const keys = packed ? T_PACKED : T_REPORT;
  let seen = 0;
  let k: number = n;
  let numbersAt = 0;
  let numbersLength = -1;
  let window = 0;
  let startSeconds = 0;
  let endSeconds = 0;
  let measured = false;
  let decisionEpoch = 0;
  let service: ServiceReport | null = null;
  for (let i = 0; i < n; i++) {
    k = key(keys, k);
    seen = once(seen, k);
    switch (k) {
      case 0:
        if (num() !== (packed ? PACKED_VERSION : PROTOCOL_VERSION)) throw BAIL;
        break;
      case 1:
        if (!isAt(REPORT_TYPE)) throw BAIL;
        break;
      case 2:
        window = int(0);
        break;
      case 3:
        startSeconds = nonNegative();
        break;
      case 4:
        endSeconds = nonNegative();
        break;
      case 5:
        measured = bool();
        break;
      case 6:
        decisionEpoch = int(-1);
        break;
      case 7:
        if (packed) tenantNames(row);
        else tenantRows(row);
        break;
      case 8:
        service = nil() ? null : serviceReport();
        break;
      default:
        numbersLength = binLength();
        numbersAt = here();
        skip(numbersLength);
    }
  }
  if (endSeconds < startSeconds) throw BAIL;
  if (packed) packedNumbers(row, numbersAt, numbersLength);
  return {
    type: 'report',
    window,
    startSeconds,
    endSeconds,
    measured,
    decisionEpoch,
    tenants: NO_TENANTS as TenantSignals[],
    service,
  };
}

/** A tenant list into `row`, each tenant's numbers at its place (`ROW`). */
function tenantRows(row: ReportRow): void {
  const n = arraySize();
  if (n > LIMITS.tenants) throw BAIL;
  const v = row.reserve(n);
  const seen = n > 16 ? new Set<string>() : null;
  for (let i = 0; i < n; i++) nameAt(row.names, i, tenantRow(v, i * TENANT_STRIDE), seen);
  row.names.length = n;
  row.tenantCount = n;
}

/**
 * `name` as tenant `i`, refused if an earlier tenant has it: a scan for the usual handful
 * of tenants, `seen` (a set, for more than 16) beyond.
 */
function nameAt(names: string[], i: number, name: string, seen: Set<string> | null): void {
  if (seen === null) {
    for (let j = 0; j < i; j++) if (names[j] === name) throw BAIL;
  } else if (seen.has(name)) throw BAIL;
  else seen.add(name);
  names[i] = name;
}

/** A packed report's tenant names into `row`, which is made room for their numbers. */
function tenantNames(row: ReportRow): void {
  const n = arraySize();
  if (n > LIMITS.tenants) throw BAIL;
  row.reserve(n);
  const seen = n > 16 ? new Set<string>() : null;
  for (let i = 0; i < n; i++) nameAt(row.names, i, nameString(), seen);
  row.names.length = n;
  row.tenantCount = n;
}

/**
 * A packed report's numbers (`length` bytes at `at`) into `row`, whose tenants are read:
 * the packed order is the row's (codec-parts.ts), so each number goes to its own index,
 * checked as the generic path checks it.
 */
function packedNumbers(row: ReportRow, at: number, length: number): void {
  const count = row.tenantCount;
  if (length !== count * PACKED_STRIDE * 8) throw BAIL;
  const v = row.values;
  copyFloat64s(at, count * PACKED_STRIDE, v);
  for (let t = 0, i = 0; t < count; t++) {
    for (let c = 0; c < PACKED_STRIDE; c++, i++) {
      const x = v[i]!;
      if (x >= 0 && x < Infinity) continue;
      if (c === PACKED_RATE && x === PACKED_NO_RATE) v[i] = NaN;
      else throw BAIL;
    }
    if (v[i - PACKED_STRIDE + PACKED_PERCENTILE]! > 100) throw BAIL;
  }
}

/** Where each numeric tenant field goes in a row (-1: not a plain number). */
const ROW_AT = Int32Array.from(TENANT_FIELDS, (f) => (f in ROW ? ROW[f as keyof typeof ROW] : -1));

/** One tenant into `v` from `o`, checked as `tenant` checks it; returns its name. */
function tenantRow(v: Float64Array, o: number): string {
  if (mapSize() !== TENANT_FIELDS.length) throw BAIL;
  let name = '';
  let seen = 0;
  let k: number = TENANT_FIELDS.length;
  for (let i = 0; i < TENANT_FIELDS.length; i++) {
    k = key(T_TENANT, k);
    seen = once(seen, k);
    if (k === TENANT.name) name = nameString();
    else if (k === TENANT.slo) sloRow(v, o);
    else if (k === TENANT.guaranteedRate) v[o + ROW.guaranteedRate] = nil() ? NaN : nonNegative();
    else if (k === TENANT.rejectedByReason) numbersInto(T_REASONS, v, o + ROW.rejectedByReason);
    else if (k === TENANT.latency) numbersInto(T_LATENCY, v, o + ROW.latency);
    else v[o + ROW_AT[k]!] = nonNegative();
  }
  return name;
}

function sloRow(v: Float64Array, o: number): void {
  if (mapSize() !== 2) throw BAIL;
  let seen = 0;
  let k = 2;
  for (let i = 0; i < 2; i++) {
    k = key(T_SLO, k);
    seen = once(seen, k);
    const x = nonNegative();
    if (k === 0) v[o + ROW.sloLatency] = x;
    else if (x > 100) throw BAIL;
    else v[o + ROW.sloPercentile] = x;
  }
}

/** A map holding exactly the keys of `keyTable`, each a finite number >= 0, into `v` from `at`. */
function numbersInto(keyTable: KeyTable, v: Float64Array, at: number): void {
  const n = keyTable.keys.length;
  if (mapSize() !== n) throw BAIL;
  let seen = 0;
  let k = n;
  for (let i = 0; i < n; i++) {
    k = key(keyTable, k);
    seen = once(seen, k);
    v[at + k] = nonNegative();
  }
}

/** A map holding exactly the keys of `keyTable`, each a finite number >= 0, into `out`. */
function numbers(keyTable: KeyTable, out: number[]): void {
  const n = out.length;
  if (mapSize() !== n) throw BAIL;
  let seen = 0;
  let k = n;
  for (let i = 0; i < n; i++) {
    k = key(keyTable, k);
    seen = once(seen, k);
    out[k] = nonNegative();
  }
}

function serviceReport(): ServiceReport {
  if (mapSize() !== SERVICE_KEYS.length) throw BAIL;
  const v = SERVICE_NUM;
  let name = '';
  let tenants: Record<string, ServiceTenantSignals> = {};
  let seen = 0;
  let k: number = SERVICE_KEYS.length;
  for (let i = 0; i < SERVICE_KEYS.length; i++) {
    k = key(T_SERVICE, k);
    seen = once(seen, k);
    if (k === SERVICE.name) name = nameString();
    else if (k === SERVICE.tenants) tenants = serviceTenants();
    else v[k] = nonNegative();
  }
  return {
    name,
    replicas: v[SERVICE.replicas]!,
    replicasUp: v[SERVICE.replicasUp]!,
    cores: v[SERVICE.cores]!,
    workers: v[SERVICE.workers]!,
    utilization: v[SERVICE.utilization]!,
    meanQueueLength: v[SERVICE.meanQueueLength]!,
    queueLength: v[SERVICE.queueLength]!,
    meanWait: v[SERVICE.meanWait]!,
    throughput: v[SERVICE.throughput]!,
    rejected: v[SERVICE.rejected]!,
    tenants,
  };
}

function serviceTenants(): Record<string, ServiceTenantSignals> {
  const n = mapSize();
  if (n > LIMITS.tenants) throw BAIL;
  const out: Record<string, ServiceTenantSignals> = {};
  const v = SERVICE_TENANT_NUM;
  for (let i = 0; i < n; i++) {
    const name = nameString();
    if (Object.hasOwn(out, name)) throw BAIL;
    numbers(T_SERVICE_TENANT, v);
    out[name] = {
      hops: v[SERVICE_TENANT.hops]!,
      rejected: v[SERVICE_TENANT.rejected]!,
      meanQueueWait: v[SERVICE_TENANT.meanQueueWait]!,
      cpuSeconds: v[SERVICE_TENANT.cpuSeconds]!,
      outstanding: v[SERVICE_TENANT.outstanding]!,
    };
  }
  return out;
}
