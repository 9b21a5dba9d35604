/**
 * The fast path of `decodeMessage` for the message a round is made of: a `report` body is
 * read and checked straight from its MessagePack bytes into a `ReportMessage`, without the
 * generic decoder's intermediate maps and key strings (a round decodes 1,000 reports).
 *
 * It accepts only what the generic path accepts, giving an equal message, and returns
 * null for anything else: another type, or anything unusual (duplicate or unknown keys,
 * 64-bit integers, non-ASCII strings, a field out of range…). The generic path then
 * decodes that body and, if it is invalid, names the rule it breaks (docs/protocol.md).
 */
import { REJECT_REASONS } from '../sim-cluster/enforcement.js';
import type {
  LatencySignals,
  ServiceTenantSignals,
  TenantSignals,
} from '../sim-cluster/signals.js';
import {
  LATENCY_FIELDS,
  REPORT_FIELDS,
  SERVICE_NUMBERS,
  SERVICE_TENANT_FIELDS,
  TENANT_FIELDS,
} from './codec-parts.js';
import { LIMITS, PROTOCOL_VERSION, type ReportMessage, type ServiceReport } from './protocol.js';

/** Thrown (one preallocated value) to abandon the fast path. */
const BAIL = new Error('not a report the fast path reads');

/**
 * A key table: the ASCII bytes of each allowed key, matched without making strings;
 * `byLength[n]` lists the indices of the keys n bytes long (the candidates to compare).
 */
interface KeyTable {
  readonly keys: readonly Uint8Array[];
  readonly byLength: readonly (readonly number[])[];
}

function table(keys: readonly string[]): KeyTable {
  const bytesOf = keys.map((k) => Uint8Array.from(k, (c) => c.charCodeAt(0)));
  const byLength: number[][] = Array.from(
    { length: Math.max(...keys.map((k) => k.length)) + 1 },
    () => [],
  );
  keys.forEach((k, i) => byLength[k.length]!.push(i));
  return { keys: bytesOf, byLength };
}

const REPORT_KEYS = ['v', 'type', ...REPORT_FIELDS] as const;
const SLO_KEYS = ['latency', 'percentile'] as const;
const SERVICE_KEYS = ['name', 'tenants', ...SERVICE_NUMBERS] as const;

const T_REPORT = table(REPORT_KEYS);
const T_TENANT = table(TENANT_FIELDS);
const T_SLO = table(SLO_KEYS);
const T_LATENCY = table(LATENCY_FIELDS);
const T_REASONS = table(REJECT_REASONS);
const T_SERVICE = table(SERVICE_KEYS);
const T_SERVICE_TENANT = table(SERVICE_TENANT_FIELDS);
const REPORT_TYPE = table(['report']).keys[0]!;

/** A tenant's plain numbers by key index (reused: `tenant` copies them out). */
const SCRATCH = new Float64Array(TENANT_FIELDS.length);

// The body being read: module state, so the readers below are plain functions.
let bytes: Uint8Array = new Uint8Array(0);
let view = new DataView(bytes.buffer);
let pos = 0;

/** The report in `body`, validated, or null to let the generic path decide. */
export function readReport(body: Uint8Array): ReportMessage | null {
  bytes = body;
  view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  pos = 0;
  try {
    const report = reportMessage();
    return pos === body.length ? report : null;
  } catch {
    return null; // BAIL (or any surprise): the generic path decides.
  } finally {
    bytes = new Uint8Array(0);
  }
}

function reportMessage(): ReportMessage {
  const n = mapSize();
  if (n !== REPORT_KEYS.length) throw BAIL;
  let seen = 0;
  let window = 0;
  let startSeconds = 0;
  let endSeconds = 0;
  let measured = false;
  let decisionEpoch = 0;
  let tenants: TenantSignals[] = [];
  let service: ServiceReport | null = null;
  for (let i = 0; i < n; i++) {
    const k = key(T_REPORT);
    seen = once(seen, k);
    switch (k) {
      case 0:
        if (num() !== PROTOCOL_VERSION) throw BAIL;
        break;
      case 1:
        if (!stringIs(REPORT_TYPE)) throw BAIL;
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
        tenants = tenantList();
        break;
      default:
        service = nil() ? null : serviceReport();
    }
  }
  if (endSeconds < startSeconds) throw BAIL;
  return {
    type: 'report',
    window,
    startSeconds,
    endSeconds,
    measured,
    decisionEpoch,
    tenants,
    service,
  };
}

function tenantList(): TenantSignals[] {
  const n = arraySize();
  if (n > LIMITS.tenants) throw BAIL;
  const list: TenantSignals[] = [];
  // Duplicate names: a scan for the usual handful of tenants, a set beyond.
  const names = n > 16 ? new Set<string>() : null;
  for (let i = 0; i < n; i++) {
    const t = tenant();
    if (names === null ? list.some((o) => o.name === t.name) : names.has(t.name)) throw BAIL;
    names?.add(t.name);
    list.push(t);
  }
  return list;
}

function tenant(): TenantSignals {
  if (mapSize() !== TENANT_FIELDS.length) throw BAIL;
  // Key indices follow TENANT_FIELDS: name, slo, guaranteedRate, rejectedByReason,
  // latency, then the plain numbers (weight at 5 … entitlement at 14).
  const v = SCRATCH;
  let name = '';
  let guaranteedRate: number | null = null;
  let slo: TenantSignals['slo'] | null = null;
  let reasons: TenantSignals['rejectedByReason'] | null = null;
  let latency: LatencySignals | null = null;
  let seen = 0;
  for (let i = 0; i < TENANT_FIELDS.length; i++) {
    const k = key(T_TENANT);
    seen = once(seen, k);
    if (k === 0) name = nameString();
    else if (k === 1) slo = sloMap();
    else if (k === 2) guaranteedRate = nil() ? null : nonNegative();
    else if (k === 3)
      reasons = numbers(
        T_REASONS,
        REJECT_REASONS,
        REASONS_TEMPLATE,
      ) as TenantSignals['rejectedByReason'];
    else if (k === 4)
      latency = numbers(T_LATENCY, LATENCY_FIELDS, LATENCY_TEMPLATE) as unknown as LatencySignals;
    else v[k] = nonNegative();
  }
  return {
    name,
    weight: v[5]!,
    slo: slo!,
    guaranteedRate,
    offered: v[6]!,
    admitted: v[7]!,
    rejected: v[8]!,
    rejectedByReason: reasons!,
    completed: v[9]!,
    failed: v[10]!,
    timedOut: v[11]!,
    retries: v[12]!,
    goodput: v[13]!,
    entitlement: v[14]!,
    latency: latency!,
  };
}

function sloMap(): TenantSignals['slo'] {
  if (mapSize() !== 2) throw BAIL;
  let latency = 0;
  let percentile = 0;
  let seen = 0;
  for (let i = 0; i < 2; i++) {
    const k = key(T_SLO);
    seen = once(seen, k);
    if (k === 0) latency = nonNegative();
    else {
      percentile = nonNegative();
      if (percentile > 100) throw BAIL;
    }
  }
  return { latency, percentile };
}

/** An object with every key of `keys` (0), whose spread copies share one hidden class. */
function template(keys: readonly string[]): Readonly<Record<string, number>> {
  return Object.fromEntries(keys.map((k) => [k, 0]));
}
const LATENCY_TEMPLATE = template(LATENCY_FIELDS);
const REASONS_TEMPLATE = template(REJECT_REASONS);
const SERVICE_TENANT_TEMPLATE = template(SERVICE_TENANT_FIELDS);

/**
 * A map holding exactly `keys`, each a finite number >= 0, as a copy of `shape` (the
 * same keys) with the values filled in: no hidden-class transitions per object.
 */
function numbers(
  keyTable: KeyTable,
  keys: readonly string[],
  shape: Readonly<Record<string, number>>,
): Record<string, number> {
  if (mapSize() !== keys.length) throw BAIL;
  const out = { ...shape };
  let seen = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = key(keyTable);
    seen = once(seen, k);
    out[keys[k]!] = nonNegative();
  }
  return out;
}

function serviceReport(): ServiceReport {
  if (mapSize() !== SERVICE_KEYS.length) throw BAIL;
  const out: Record<string, unknown> = {};
  let seen = 0;
  for (let i = 0; i < SERVICE_KEYS.length; i++) {
    const k = key(T_SERVICE);
    seen = once(seen, k);
    if (k === 0) out.name = nameString();
    else if (k === 1) out.tenants = serviceTenants();
    else out[SERVICE_KEYS[k]!] = nonNegative();
  }
  return out as unknown as ServiceReport;
}

function serviceTenants(): Record<string, ServiceTenantSignals> {
  const n = mapSize();
  if (n > LIMITS.tenants) throw BAIL;
  const out: Record<string, ServiceTenantSignals> = {};
  for (let i = 0; i < n; i++) {
    const name = nameString();
    if (Object.hasOwn(out, name)) throw BAIL;
    out[name] = numbers(
      T_SERVICE_TENANT,
      SERVICE_TENANT_FIELDS,
      SERVICE_TENANT_TEMPLATE,
    ) as unknown as ServiceTenantSignals;
  }
  return out;
}

// ---- MessagePack primitives ------------------------------------------------------------

function need(n: number): void {
  if (pos + n > bytes.length) throw BAIL;
}

/** Marks key index `k` seen; a duplicate key abandons the fast path. */
function once(seen: number, k: number): number {
  const bit = 1 << k;
  if ((seen & bit) !== 0) throw BAIL;
  return seen | bit;
}

function mapSize(): number {
  need(1);
  const b = bytes[pos++]!;
  if (b >= 0x80 && b <= 0x8f) return b & 0x0f;
  if (b === 0xde) {
    need(2);
    pos += 2;
    return view.getUint16(pos - 2);
  }
  throw BAIL;
}

function arraySize(): number {
  need(1);
  const b = bytes[pos++]!;
  if (b >= 0x90 && b <= 0x9f) return b & 0x0f;
  if (b === 0xdc) {
    need(2);
    pos += 2;
    return view.getUint16(pos - 2);
  }
  throw BAIL;
}

/** Length of a string header (fixstr, str8, str16). */
function stringLength(): number {
  need(1);
  const b = bytes[pos++]!;
  if (b >= 0xa0 && b <= 0xbf) return b & 0x1f;
  if (b === 0xd9) {
    need(1);
    return bytes[pos++]!;
  }
  if (b === 0xda) {
    need(2);
    pos += 2;
    return view.getUint16(pos - 2);
  }
  throw BAIL;
}

/** The index in `keyTable` of the next key (a string); an unknown key abandons. */
function key(keyTable: KeyTable): number {
  const len = stringLength();
  need(len);
  const candidates = keyTable.byLength[len];
  if (candidates === undefined) throw BAIL;
  for (const k of candidates) {
    const want = keyTable.keys[k]!;
    let j = 0;
    while (j < len && bytes[pos + j] === want[j]) j++;
    if (j === len) {
      pos += len;
      return k;
    }
  }
  throw BAIL;
}

function stringIs(want: Uint8Array): boolean {
  const len = stringLength();
  need(len);
  if (len !== want.length) return false;
  for (let j = 0; j < len; j++) if (bytes[pos + j] !== want[j]) return false;
  pos += len;
  return true;
}

/** A name (docs/protocol.md): 1..128 printable ASCII characters here, not `__proto__`. */
function nameString(): string {
  const len = stringLength();
  if (len === 0 || len > LIMITS.nameLength) throw BAIL;
  need(len);
  let s = '';
  for (let j = 0; j < len; j++) {
    const c = bytes[pos + j]!;
    if (c < 0x20 || c >= 0x7f) throw BAIL;
    s += String.fromCharCode(c);
  }
  pos += len;
  if (s === '__proto__') throw BAIL;
  return s;
}

function nil(): boolean {
  need(1);
  if (bytes[pos] !== 0xc0) return false;
  pos++;
  return true;
}

function bool(): boolean {
  need(1);
  const b = bytes[pos++]!;
  if (b === 0xc2) return false;
  if (b === 0xc3) return true;
  throw BAIL;
}

/** Any number but a 64-bit integer (which the generic path reads with its own rules). */
function num(): number {
  need(1);
  const b = bytes[pos++]!;
  if (b <= 0x7f) return b;
  if (b >= 0xe0) return b - 0x100;
  switch (b) {
    case 0xcb:
      need(8);
      pos += 8;
      return view.getFloat64(pos - 8);
    case 0xca:
      need(4);
      pos += 4;
      return view.getFloat32(pos - 4);
    case 0xcc:
      need(1);
      return bytes[pos++]!;
    case 0xcd:
      need(2);
      pos += 2;
      return view.getUint16(pos - 2);
    case 0xce:
      need(4);
      pos += 4;
      return view.getUint32(pos - 4);
    case 0xd0:
      need(1);
      pos += 1;
      return view.getInt8(pos - 1);
    case 0xd1:
      need(2);
      pos += 2;
      return view.getInt16(pos - 2);
    case 0xd2:
      need(4);
      pos += 4;
      return view.getInt32(pos - 4);
  }
  throw BAIL;
}

/** A finite number >= 0. */
function nonNegative(): number {
  const x = num();
  if (!(x >= 0 && x < Infinity)) throw BAIL;
  return x;
}

/** A (safe) integer >= min. */
function int(min: number): number {
  const x = num();
  if (!Number.isSafeInteger(x) || x < min) throw BAIL;
  return x;
}
