/**
 * The fast path of `decodeMessage` for `decision` messages, the one message every
 * instance receives every round: the 1,000 instances of a fleet decode theirs on the same
 * cores as the controller that is still sending, so the generic decoder's intermediate
 * maps and key strings cost the round (report-reader.ts does the same for reports).
 *
 * The contract is report-reader.ts's: it accepts only what the generic path accepts,
 * giving an equal message (same fields, same values by `Object.is`, built in the same key
 * order), and returns null for anything else (another type, duplicate or unknown keys,
 * 64-bit integers, non-ASCII names, nil for an optional knob, a value out of range…). The
 * generic path then decodes that body and, if it is invalid, names the rule it breaks.
 */
import type {
  AdmissionKnobs,
  ServiceDecision,
  TenantDecision,
} from '../sim-cluster/enforcement.js';
import { KNOB, PACKED_KNOBS, PACKED_PART_FIELDS } from './packed-decision.js';
import {
  LIMITS,
  PACKED_VERSION,
  PROTOCOL_VERSION,
  type DecisionMessage,
  type DecisionPart,
} from './protocol.js';
import {
  arraySize,
  atEnd,
  BAIL,
  begin,
  binLength,
  end,
  float64At,
  here,
  int,
  isAt,
  key,
  mapSize,
  nameString,
  num,
  once,
  peek,
  skip,
  table,
  wireKey,
  type KeyTable,
} from './wire-reader.js';

const DECISION_KEYS = ['v', 'type', 'session', 'epoch', 'window', 'leaseSeconds', 'part'] as const;
/** The admission knobs (codec-parts.ts's KNOB_KEYS, in its order), then an ingress's two. */
const TENANT_KEYS = [
  'weight',
  'priority',
  'concurrencyLimit',
  'queueDelayThreshold',
  'admitProbability',
  'rateLimit',
  'deadlineAdmission',
] as const;
const KNOB_COUNT = 5;

const T_DECISION = table(DECISION_KEYS);
const DECISION_TYPE = wireKey('decision');
const T_TENANT = table(TENANT_KEYS);
/** A service's per-tenant overrides: the admission knobs only. */
const T_KNOBS = table(TENANT_KEYS.slice(0, KNOB_COUNT));
const T_RATE = table(['ratePerSecond', 'burst']);
const SLACK = wireKey('slack');
const T_SERVICE = table(['concurrencyLimit', 'queueDelayThreshold', 'tenants']);
const T_PACKED_PART = table(PACKED_PART_FIELDS);
const T_PACKED_KNOBS = table(PACKED_KNOBS);

/** The decision in `body`, validated, or null to let the generic path decide. */
export function readDecision(body: Uint8Array): DecisionMessage | null {
  begin(body);
  try {
    if (mapSize() !== DECISION_KEYS.length) return null;
    const message = decisionMessage();
    return atEnd() ? message : null;
  } catch {
    return null; // BAIL (or any surprise): the generic path decides.
  } finally {
    end();
  }
}

/** A decision's fields (its map header read). */
function decisionMessage(): DecisionMessage {
  let seen = 0;
  let k: number = DECISION_KEYS.length;
  let session = '';
  let epoch = 0;
  let window = 0;
  let leaseSeconds = 0;
  let part: DecisionPart = {};
  let version = 0;
  for (let i = 0; i < DECISION_KEYS.length; i++) {
    k = key(T_DECISION, k);
    seen = once(seen, k);
    switch (k) {
      case 0:
        version = num();
        if (version !== PROTOCOL_VERSION && version !== PACKED_VERSION) throw BAIL;
        break;
      case 1:
        if (!isAt(DECISION_TYPE)) throw BAIL;
        break;
      case 2:
        session = nameString();
        break;
      case 3:
        epoch = int(0);
        break;
      case 4:
        window = int(-1);
        break;
      case 5:
        leaseSeconds = num();
        if (!(leaseSeconds > 0 && leaseSeconds <= 86400)) throw BAIL;
        break;
      default:
        part = decisionPart();
    }
  }
  // The part's form must be its version's (either, for a part without tenants).
  if (partForm !== 0 && partForm !== version) throw BAIL;
  return { type: 'decision', session, epoch, window, leaseSeconds, part };
}

/**
 * The form of the part read last: 1 (a `tenants` map), 2 (packed: docs/protocol.md 5.4.1)
 * or 0 (no tenants: either). Told apart by the part itself, so that `v` may come after it.
 */
let partForm = 0;

function decisionPart(): DecisionPart {
  const n = mapSize();
  if (n > PACKED_PART_FIELDS.length) throw BAIL;
  let tenants: Record<string, TenantDecision> | undefined;
  let services: Record<string, ServiceDecision> | undefined;
  let seen = 0;
  let k: number = PACKED_PART_FIELDS.length;
  let tenantCount = 0;
  let columnCount = 0;
  let numbersAt = 0;
  let numbersLength = 0;
  partForm = 0;
  for (let i = 0; i < n; i++) {
    k = key(T_PACKED_PART, k);
    seen = once(seen, k);
    if (k === 0) {
      const b = peek();
      if ((b >= 0x90 && b <= 0x9f) || b === 0xdc) tenantCount = packedTenantNames();
      else {
        tenants = tenantMap();
        partForm = PROTOCOL_VERSION;
      }
    } else if (k === 1) columnCount = packedKnobColumns();
    else if (k === 2) {
      numbersLength = binLength();
      numbersAt = here();
      skip(numbersLength);
    } else services = serviceMap();
  }
  if (tenants === undefined && (seen & 7) !== 0) {
    // Packed: tenants, knobs and numbers all there, the numbers a whole table.
    if ((seen & 7) !== 7 || numbersLength !== tenantCount * columnCount * 8) throw BAIL;
    tenants = packedTenants(tenantCount, columnCount, numbersAt);
    partForm = PACKED_VERSION;
  } else if ((seen & 6) !== 0) throw BAIL;
  // The generic path sets `tenants` before `services`, whatever the wire order.
  const part: {
    tenants?: Record<string, TenantDecision>;
    services?: Record<string, ServiceDecision>;
  } = {};
  if (tenants !== undefined) part.tenants = tenants;
  if (services !== undefined) part.services = services;
  return part;
}

/** The tenants of a packed part (until its table is read), reused from message to message. */
const packedNames: string[] = [];
/** A packed part's columns: the knob index of each. */
const packedColumns = new Int32Array(PACKED_KNOBS.length);
/** One tenant's knobs by index (NaN: left out). */
const row = new Float64Array(PACKED_KNOBS.length);

function packedTenantNames(): number {
  const n = arraySize();
  if (n > LIMITS.tenants) throw BAIL;
  const seen = n > 16 ? new Set<string>() : null;
  for (let i = 0; i < n; i++) {
    const name = nameString();
    if (seen === null) {
      for (let j = 0; j < i; j++) if (packedNames[j] === name) throw BAIL;
    } else if (seen.has(name)) throw BAIL;
    else seen.add(name);
    packedNames[i] = name;
  }
  packedNames.length = n;
  return n;
}

/** A packed part's `knobs`: table names in the table's order, each once. */
function packedKnobColumns(): number {
  const n = arraySize();
  if (n > PACKED_KNOBS.length) throw BAIL;
  let c: number = PACKED_KNOBS.length;
  let last = -1;
  for (let i = 0; i < n; i++) {
    c = key(T_PACKED_KNOBS, c);
    if (c <= last) throw BAIL;
    packedColumns[i] = last = c;
  }
  return n;
}

function packedTenants(count: number, columns: number, at: number): Record<string, TenantDecision> {
  const out: Record<string, TenantDecision> = {};
  for (let t = 0, p = at; t < count; t++) {
    row.fill(NaN);
    for (let j = 0; j < columns; j++, p += 8) row[packedColumns[j]!] = float64At(p);
    out[packedNames[t]!] = knobRow();
  }
  return out;
}

/** `row` → a tenant's knobs, each checked as `knobs` checks it (-0 read as 0). */
function knobRow(): TenantDecision {
  const out: { -readonly [K in keyof TenantDecision]: TenantDecision[K] } = {};
  let x = row[KNOB.weight]!;
  if (x === x) out.weight = positiveValue(x);
  x = row[KNOB.priority]!;
  if (x === x) {
    if (!Number.isFinite(x)) throw BAIL;
    out.priority = x + 0;
  }
  x = row[KNOB.concurrencyLimit]!;
  if (x === x) out.concurrencyLimit = positiveValue(x);
  x = row[KNOB.queueDelayThreshold]!;
  if (x === x) out.queueDelayThreshold = positiveValue(x);
  x = row[KNOB.admitProbability]!;
  if (x === x) {
    if (!(x >= 0 && x <= 1)) throw BAIL;
    out.admitProbability = x + 0;
  }
  const rate = row[KNOB.ratePerSecond]!;
  const burst = row[KNOB.burst]!;
  if (rate === rate || burst === burst) {
    if (!(rate >= 0 && burst >= 1)) throw BAIL;
    out.rateLimit = { ratePerSecond: rate + 0, burst };
  }
  x = row[KNOB.slack]!;
  if (x === x) {
    if (!(x >= 0 && x < 1)) throw BAIL;
    out.deadlineAdmission = { slack: x + 0 };
  }
  return out;
}

function positiveValue(x: number): number {
  if (!(x > 0)) throw BAIL;
  return x;
}

function tenantMap(): Record<string, TenantDecision> {
  const n = mapSize();
  if (n > LIMITS.tenants) throw BAIL;
  const out: Record<string, TenantDecision> = {};
  for (let i = 0; i < n; i++) {
    const name = nameString();
    if (Object.hasOwn(out, name)) throw BAIL;
    out[name] = knobs(T_TENANT);
  }
  return out;
}

function serviceMap(): Record<string, ServiceDecision> {
  const n = mapSize();
  if (n > LIMITS.services) throw BAIL;
  const out: Record<string, ServiceDecision> = {};
  for (let i = 0; i < n; i++) {
    const name = nameString();
    if (Object.hasOwn(out, name)) throw BAIL;
    out[name] = serviceDecision();
  }
  return out;
}

function serviceDecision(): ServiceDecision {
  const n = mapSize();
  if (n > 3) throw BAIL;
  let concurrencyLimit = 0;
  let queueDelayThreshold = 0;
  let tenants: Record<string, AdmissionKnobs> | undefined;
  let seen = 0;
  let k = 3;
  for (let i = 0; i < n; i++) {
    k = key(T_SERVICE, k);
    seen = once(seen, k);
    if (k === 0) concurrencyLimit = positive();
    else if (k === 1) queueDelayThreshold = positive();
    else {
      const m = mapSize();
      if (m > LIMITS.tenants) throw BAIL;
      tenants = {};
      for (let j = 0; j < m; j++) {
        const name = nameString();
        if (Object.hasOwn(tenants, name)) throw BAIL;
        tenants[name] = knobs(T_KNOBS);
      }
    }
  }
  const out: { -readonly [K in keyof ServiceDecision]: ServiceDecision[K] } = {};
  if ((seen & 1) !== 0) out.concurrencyLimit = concurrencyLimit;
  if ((seen & 2) !== 0) out.queueDelayThreshold = queueDelayThreshold;
  if (tenants !== undefined) out.tenants = tenants;
  return out;
}

/**
 * A tenant's knobs: those of `keyTable` (all seven for a `part.tenants` entry, the five
 * admission knobs for a service's override), each checked as codec-parts.ts checks it.
 */
function knobs(keyTable: KeyTable): TenantDecision {
  const n = mapSize();
  if (n > keyTable.keys.length) throw BAIL;
  let weight = 0;
  let priority = 0;
  let concurrencyLimit = 0;
  let queueDelayThreshold = 0;
  let admitProbability = 0;
  let ratePerSecond = 0;
  let burst = 0;
  let slack = 0;
  let seen = 0;
  let k = keyTable.keys.length;
  for (let i = 0; i < n; i++) {
    k = key(keyTable, k);
    seen = once(seen, k);
    switch (k) {
      case 0:
        weight = positive();
        break;
      case 1:
        priority = num();
        if (!Number.isFinite(priority)) throw BAIL;
        break;
      case 2:
        concurrencyLimit = positive();
        break;
      case 3:
        queueDelayThreshold = positive();
        break;
      case 4:
        admitProbability = num();
        if (!(admitProbability >= 0 && admitProbability <= 1)) throw BAIL;
        break;
      case 5: {
        if (mapSize() !== 2) throw BAIL;
        let rateSeen = 0;
        let r = 2;
        for (let j = 0; j < 2; j++) {
          r = key(T_RATE, r);
          rateSeen = once(rateSeen, r);
          const x = num();
          // Infinity allowed (no limit), NaN not.
          if (r === 0) {
            if (!(x >= 0)) throw BAIL;
            ratePerSecond = x;
          } else {
            if (!(x >= 1)) throw BAIL;
            burst = x;
          }
        }
        break;
      }
      default:
        if (mapSize() !== 1 || !isAt(SLACK)) throw BAIL;
        slack = num();
        if (!(slack >= 0 && slack < 1)) throw BAIL;
    }
  }
  // Built in codec-parts.ts's order: the admission knobs, then rateLimit, deadlineAdmission.
  const out: { -readonly [K in keyof TenantDecision]: TenantDecision[K] } = {};
  if ((seen & 1) !== 0) out.weight = weight;
  if ((seen & 2) !== 0) out.priority = priority;
  if ((seen & 4) !== 0) out.concurrencyLimit = concurrencyLimit;
  if ((seen & 8) !== 0) out.queueDelayThreshold = queueDelayThreshold;
  if ((seen & 16) !== 0) out.admitProbability = admitProbability;
  if ((seen & 32) !== 0) out.rateLimit = { ratePerSecond, burst };
  if ((seen & 64) !== 0) out.deadlineAdmission = { slack };
  return out;
}

/** A number > 0, Infinity allowed (weights, concurrency limits, delay thresholds). */
function positive(): number {
  const x = num();
  if (!(x > 0)) throw BAIL;
  return x;
}
