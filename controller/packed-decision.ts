/**
 * The packed decision of protocol version 2 (docs/protocol.md 5.4.1): a decision whose
 * part carries its tenants' knobs as one block of little-endian float 64s, one column per
 * knob present, instead of a map per tenant. What an instance welcomed in version 2
 * receives every round; it decodes to the same `DecisionMessage` as the version-1 form.
 *
 * Here: the column table, the generic packing and unpacking (`packPart`, `unpackPart`:
 * checked by version 1's rules, so a packed part is valid exactly when its version-1 form
 * is), and the daemon's encoder for a round's ingress decisions, which builds the round's
 * message once and patches each instance's split rate and burst into a copy of it.
 */
import { Encoder } from '@msgpack/msgpack';
import type { TenantDecision } from '../sim-cluster/enforcement.js';
import { ProtocolError } from '../sim-cluster/errors.js';
import { readDecisionPart } from './codec-parts.js';
import { array, name, record } from './fields.js';
import { LIMITS, PACKED_VERSION, type DecisionMessage, type DecisionPart } from './protocol.js';
import { scaled, type Split } from './split.js';

/**
 * The knobs a packed part may carry, in their one allowed order: a part's `knobs` lists
 * the columns present, a subsequence of this. Each is a path into `TenantDecision`.
 */
export const PACKED_KNOBS = [
  'weight',
  'priority',
  'concurrencyLimit',
  'queueDelayThreshold',
  'admitProbability',
  'ratePerSecond',
  'burst',
  'slack',
] as const;
export type PackedKnob = (typeof PACKED_KNOBS)[number];

/** Each knob's column in the table above, by name. */
export const KNOB = Object.fromEntries(PACKED_KNOBS.map((k, i) => [k, i])) as Readonly<
  Record<PackedKnob, number>
>;

/** A packed part's fields (docs/protocol.md 5.4.1). */
export const PACKED_PART_FIELDS = ['tenants', 'knobs', 'numbers', 'services'] as const;

/** Largest `numbers` of a packed part: every knob of `LIMITS.tenants` tenants. */
export const MAX_PACKED_PART_BYTES = LIMITS.tenants * PACKED_KNOBS.length * 8;

const ENCODER = new Encoder({ ignoreUndefined: true });

/** A tenant's knobs as a row of the table (NaN: left out). */
function knobRow(d: TenantDecision): number[] {
  return [
    d.weight ?? NaN,
    d.priority ?? NaN,
    d.concurrencyLimit ?? NaN,
    d.queueDelayThreshold ?? NaN,
    d.admitProbability ?? NaN,
    d.rateLimit?.ratePerSecond ?? NaN,
    d.rateLimit?.burst ?? NaN,
    d.deadlineAdmission?.slack ?? NaN,
  ];
}

/**
 * `part` in its packed wire form (the value of a version-2 decision's `part`): the
 * columns are the knobs any tenant sets. Not validated, as version 1's encoder does not
 * validate either; a NaN knob reads back as left out.
 */
export function packPart(part: DecisionPart): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (part.tenants !== undefined) {
    const entries = Object.entries(part.tenants);
    const rows = entries.map(([, d]) => knobRow(d));
    const columns = PACKED_KNOBS.map((_, c) => c).filter((c) =>
      rows.some((r) => !Number.isNaN(r[c])),
    );
    const numbers = new Uint8Array(rows.length * columns.length * 8);
    const view = new DataView(numbers.buffer);
    let at = 0;
    for (const r of rows) {
      for (const c of columns) {
        view.setFloat64(at, r[c]!, true);
        at += 8;
      }
    }
    out.tenants = entries.map(([t]) => t);
    out.knobs = columns.map((c) => PACKED_KNOBS[c]);
    out.numbers = numbers;
  }
  if (part.services !== undefined) out.services = part.services;
  return out;
}

/**
 * A packed part as decoded from MessagePack → the `DecisionPart` it stands for, checked
 * as its version-1 form (`readDecisionPart`), which it is turned into first.
 */
export function unpackPart(value: unknown, path: string): DecisionPart {
  const m = record(value, path, PACKED_PART_FIELDS);
  const given = [m.tenants, m.knobs, m.numbers].filter((x) => x !== undefined).length;
  if (given !== 0 && given !== 3)
    throw new ProtocolError(`${path} must hold all of tenants, knobs and numbers, or none`);
  const wire: Record<string, unknown> = {};
  if (given === 3) wire.tenants = unpackTenants(m, path);
  if (m.services !== undefined) wire.services = m.services;
  return readDecisionPart(wire, path);
}

/** The packed tenants of `m` as version 1's `part.tenants` map (not yet range-checked). */
function unpackTenants(m: Record<string, unknown>, path: string): Record<string, unknown> {
  const names = array(m.tenants, `${path}.tenants`, LIMITS.tenants);
  const columns = knobColumns(m.knobs, `${path}.knobs`);
  const want = names.length * columns.length * 8;
  const numbers = m.numbers;
  if (!(numbers instanceof Uint8Array) || numbers.length !== want)
    throw new ProtocolError(
      `${path}.numbers must be a bin of ${want} bytes (${names.length} tenants × ${columns.length} knobs × float 64), got ${numbers instanceof Uint8Array ? `${numbers.length} bytes` : `a ${typeof numbers}`}`,
    );
  const view = new DataView(numbers.buffer, numbers.byteOffset, numbers.byteLength);
  const tenants: Record<string, unknown> = {};
  names.forEach((raw, i) => {
    const tenant = name(raw, `${path}.tenants[${i}]`);
    if (Object.hasOwn(tenants, tenant))
      throw new ProtocolError(`${path}.tenants names tenant '${tenant}' twice`);
    const row = new Array<number>(PACKED_KNOBS.length).fill(NaN);
    columns.forEach((c, j) => (row[c] = view.getFloat64((i * columns.length + j) * 8, true)));
    tenants[tenant] = knobsOf(row);
  });
  return tenants;
}

/** A row of the table → version 1's knob map (NaN: left out; -0 read as 0, as v1 sends it). */
function knobsOf(row: readonly number[]): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  const at = (c: number) => row[c]! + 0;
  for (const k of ['weight', 'priority', 'concurrencyLimit', 'queueDelayThreshold'] as const) {
    if (!Number.isNaN(row[KNOB[k]])) d[k] = at(KNOB[k]);
  }
  if (!Number.isNaN(row[KNOB.admitProbability])) d.admitProbability = at(KNOB.admitProbability);
  const rate = row[KNOB.ratePerSecond]!;
  const burst = row[KNOB.burst]!;
  if (!Number.isNaN(rate) || !Number.isNaN(burst)) {
    // Half a rate limit is invalid in version 1 too: the missing half fails its check.
    const r: Record<string, number> = {};
    if (!Number.isNaN(rate)) r.ratePerSecond = rate + 0;
    if (!Number.isNaN(burst)) r.burst = burst + 0;
    d.rateLimit = r;
  }
  if (!Number.isNaN(row[KNOB.slack])) d.deadlineAdmission = { slack: at(KNOB.slack) };
  return d;
}

/** A part's `knobs`: names from the table, in its order, each at most once → columns. */
function knobColumns(value: unknown, path: string): number[] {
  const names = array(value, path, PACKED_KNOBS.length);
  let last = -1;
  return names.map((k, i) => {
    const c = typeof k === 'string' ? (PACKED_KNOBS as readonly string[]).indexOf(k) : -1;
    if (c <= last)
      throw new ProtocolError(
        `${path}[${i}] must be one of ${PACKED_KNOBS.slice(last + 1).join(', ')} (the table's order, each once), got ${typeof k === 'string' ? `'${k.slice(0, 40)}'` : typeof k}`,
      );
    last = c;
    return c;
  });
}

/**
 * The packed decision messages of a round's ingress instances. An ingress part (split.ts)
 * has the same tenants and knobs for every instance; only the split rate and burst
 * differ. So the round's message is encoded once, and each instance's is a copy of it in
 * one buffer for the whole round, with its rate and burst written into the copy's numbers.
 * The bytes equal `encodeMessage({ type: 'decision', ...shared, part: split.part(i) }, 2)`
 * (differential test).
 */
export function packedIngressEncoder(
  shared: Omit<DecisionMessage, 'type' | 'part'>,
  split: Split,
): (i: number) => Buffer {
  const part: Record<string, TenantDecision> = {};
  const rated: { readonly name: string; readonly rate: number; readonly burst: number }[] = [];
  for (const [tenant, d] of split.knobs.ingress) {
    if (d.rateLimit === undefined && d.deadlineAdmission === undefined) continue;
    part[tenant] = d;
    if (d.rateLimit !== undefined)
      rated.push({ name: tenant, rate: d.rateLimit.ratePerSecond, burst: d.rateLimit.burst });
  }
  const packed = packPart({ tenants: part });
  const message = { v: PACKED_VERSION, type: 'decision', ...shared, part: packed };
  const columns = packed.knobs as string[];
  const rateColumn = columns.indexOf('ratePerSecond');
  // A policy's NaN rate leaves its column out of the template: each part on its own then.
  if (rated.length > 0 && (rateColumn < 0 || columns[rateColumn + 1] !== 'burst'))
    return (i) => Buffer.from(ENCODER.encode({ ...message, part: packPart(split.part(i)) }));
  const template = ENCODER.encode(message);
  const size = template.length;
  // `numbers` is the part's last field and the part the message's last: the block ends it.
  const names = packed.tenants as string[];
  const block = size - names.length * columns.length * 8;
  // Where each rated tenant's rate sits in the block (its burst follows).
  const rateAt = Int32Array.from(
    rated,
    (t) => block + (names.indexOf(t.name) * columns.length + rateColumn) * 8,
  );
  const round = Buffer.allocUnsafeSlow(size * Math.max(1, split.instances.length));
  let next = 0;
  return (i) => {
    const out = round.subarray(next, next + size);
    if (out.length < size) throw new Error(`more ingress decisions than instances (${i})`);
    next += size;
    out.set(template);
    for (let t = 0; t < rated.length; t++) {
      const r = rated[t]!;
      // As split.ts's ingressPart computes them.
      const share = split.share(i, r.name);
      out.writeDoubleLE(scaled(r.rate, share), rateAt[t]!);
      out.writeDoubleLE(Math.max(1, scaled(r.burst, share)), rateAt[t]! + 8);
    }
    return out;
  };
}
