/**
 * The protocol codec: MessagePack bytes ⇄ validated messages (docs/protocol.md).
 *
 * `decodeMessage` never throws: oversized, undecodable, unknown-version and invalid
 * bodies come back as a rejection with its reason, which the daemon counts and drops.
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import { GovernorError } from '../sim-cluster/errors.js';
import type { TenantSignals } from '../sim-cluster/signals.js';
import {
  PACKED_REPORT_FIELDS,
  PACKED_STRIDE,
  packTenants,
  readDecisionPart,
  readServiceReport,
  readTenantList,
  REPORT_FIELDS,
  unpackTenants,
} from './codec-parts.js';
import { PackWriter } from './pack-writer.js';
import { packPart, unpackPart } from './packed-decision.js';
import { scaled, type Split } from './split.js';
import { readHeartbeat } from './report-reader.js';
import { readDecision } from './decision-reader.js';
import { bool, bounded, finite, int, name, oneOf, record, text } from './fields.js';
import {
  ERROR_CODES,
  LIMITS,
  MAX_MESSAGE_BYTES,
  PACKED_VERSION,
  PROTOCOL_VERSION,
  type DecisionMessage,
  type DecisionPart,
  type ErrorCode,
  type Message,
  type ProtocolVersion,
  type ServiceReport,
} from './protocol.js';

export type DecodeResult =
  | { readonly ok: true; readonly message: Message }
  | { readonly ok: false; readonly reason: ErrorCode; readonly detail: string };

const MESSAGE_TYPES = [
  'register',
  'report',
  'heartbeat',
  'goodbye',
  'welcome',
  'decision',
  'error',
] as const;

/** One encoder and decoder for the process: creating them per message dominated the cost. */
const ENCODER = new Encoder({ ignoreUndefined: true });
const DECODER = new Decoder({
  maxStrLength: 4096,
  // A packed report's numbers are the only bin the protocol has (docs/protocol.md 5.3.1).
  maxBinLength: LIMITS.tenants * PACKED_STRIDE * 8,
  maxArrayLength: LIMITS.tenants,
  maxMapLength: Math.max(LIMITS.tenants, LIMITS.services),
  maxExtLength: 0,
});

/** The hot path's writer: its bytes are ENCODER's. */
const WRITER = new PackWriter();
/** Writes the fixed parts of templates (never while WRITER's message is half written). */
const TEMPLATE = new PackWriter();

/**
 * Encodes one message as the body frame (adds `v`). With `version` 2 a report or a
 * decision is packed (docs/protocol.md 5.3.1, 5.4.1); any other message is the same
 * under either version.
 */
export function encodeMessage(
  message: Message,
  version: ProtocolVersion = PROTOCOL_VERSION,
): Uint8Array {
  const body: Record<string, unknown> = { v: version, ...message };
  if (message.type === 'report') {
    if (version === PACKED_VERSION) {
      body.tenants = message.tenants.map((t) => t.name);
      body.numbers = packTenants(message.tenants);
    } else body.tenants = message.tenants.map(tenantToWire);
    body.service = message.service === null ? null : serviceToWire(message.service);
  } else if (message.type === 'decision' && version === PACKED_VERSION)
    body.part = packPart(message.part);
  return ENCODER.encode(body);
}

/**
 * The version `v` of a body that decodes (`decodeMessage`) as valid. For the rare
 * messages whose version matters beyond their layout: a register (the controller answers
 * in kind) and a welcome (it tells a client whether it may pack its reports).
 */
export function versionOf(bytes: Uint8Array): ProtocolVersion {
  const raw = DECODER.decode(bytes) as { v: ProtocolVersion };
  return raw.v;
}

/** The MessagePack string `part`: the last key of a decision message. */
const PART_KEY = ENCODER.encode('part');

/**
 * Encodes a round's decision messages, which differ only in `part`: the shared fields
 * are encoded once and each message is that prefix plus its part. The bytes equal
 * `encodeMessage({ type: 'decision', ...shared, part })`.
 */
export function decisionEncoder(
  shared: Omit<DecisionMessage, 'type' | 'part'>,
): (part: DecisionPart) => Buffer {
  const prefix = decisionPrefix(shared);
  return (part) => WRITER.reset().raw(prefix).value(part).take();
}

/** A decision message up to its `part` value. */
function decisionPrefix(shared: Omit<DecisionMessage, 'type' | 'part'>): Buffer {
  const head = ENCODER.encode({
    v: PROTOCOL_VERSION,
    type: 'decision',
    session: shared.session,
    epoch: shared.epoch,
    window: shared.window,
    leaseSeconds: shared.leaseSeconds,
  });
  // A fixmap of 6 entries (0x86); with `part` it holds 7.
  if (head[0] !== 0x86) throw new Error(`decision header must be a fixmap of 6, got ${head[0]}`);
  head[0] = 0x87;
  return Buffer.concat([head, PART_KEY]);
}

/** One tenant of an ingress part: its bytes up to the split numbers, and what they are. */
interface IngressTenant {
  readonly name: string;
  readonly head: Uint8Array;
  readonly rateLimit: { readonly ratePerSecond: number; readonly burst: number } | undefined;
}

const BURST_KEY = ENCODER.encode('burst');

/**
 * The decision messages of a round's ingress instances, written straight into bytes: an
 * ingress part (split.ts) has the same keys for every instance, only the split rate and
 * burst differ, so everything else is encoded once and each message copies it and writes
 * its two numbers per tenant, with no part object built or walked. The bytes equal
 * `decisionEncoder(shared)(split.part(i))` (differential test).
 */
export function ingressPartEncoder(
  shared: Omit<DecisionMessage, 'type' | 'part'>,
  split: Split,
): (i: number) => Buffer {
  // The knobs come in `Object.entries` order, so the tenants of every part map too.
  const included = split.knobs.ingress.filter(
    ([, d]) => d.rateLimit !== undefined || d.deadlineAdmission !== undefined,
  );
  const tenants: IngressTenant[] = included.map(([name, d]) => {
    const w = TEMPLATE.reset().string(name);
    if (d.rateLimit === undefined) return { name, head: w.value(d).take(), rateLimit: undefined };
    w.mapHeader(d.deadlineAdmission === undefined ? 1 : 2);
    if (d.deadlineAdmission !== undefined) w.string('deadlineAdmission').value(d.deadlineAdmission);
    w.string('rateLimit').mapHeader(2).string('ratePerSecond');
    return { name, head: w.take(), rateLimit: d.rateLimit };
  });
  const head = TEMPLATE.reset()
    .raw(decisionPrefix(shared))
    .mapHeader(1)
    .string('tenants')
    .mapHeader(tenants.length)
    .take();
  return (i) => {
    const w = WRITER.reset().raw(head);
    for (const t of tenants) {
      w.raw(t.head);
      if (t.rateLimit === undefined) continue;
      // As split.ts's ingressPart computes them.
      const share = split.share(i, t.name);
      w.number(scaled(t.rateLimit.ratePerSecond, share))
        .raw(BURST_KEY)
        .number(Math.max(1, scaled(t.rateLimit.burst, share)));
    }
    return w.take();
  };
}

/** Decodes and validates one body frame; never throws. */
export function decodeMessage(bytes: Uint8Array): DecodeResult {
  if (bytes.length > MAX_MESSAGE_BYTES)
    return reject('oversized', `body of ${bytes.length} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  // Heartbeats (the daemon reads reports into rows itself), then decisions (the instances').
  const message = readHeartbeat(bytes) ?? readDecision(bytes);
  return message !== null ? { ok: true, message } : decodeGeneric(bytes);
}

/** `decodeMessage` without the fast path (exported for its differential test). */
export function decodeGeneric(bytes: Uint8Array): DecodeResult {
  let raw: unknown;
  try {
    raw = DECODER.decode(bytes);
  } catch (error) {
    return reject('malformed', `not a MessagePack value: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || !('v' in raw))
    return reject('malformed', 'body must be a map with a version field v');
  const version = (raw as { v: unknown }).v;
  if (version !== PROTOCOL_VERSION && version !== PACKED_VERSION)
    return reject(
      'unknown-version',
      `v must be ${PROTOCOL_VERSION} or ${PACKED_VERSION}, got ${String(version).slice(0, 20)}`,
    );
  try {
    return { ok: true, message: readMessage(raw, version) };
  } catch (error) {
    if (error instanceof GovernorError) return reject('invalid', error.message);
    return reject('invalid', String(error));
  }
}

function readMessage(raw: unknown, version: ProtocolVersion): Message {
  const type = oneOf((raw as { type?: unknown }).type, 'type', MESSAGE_TYPES);
  const keys = ['v', 'type'];
  switch (type) {
    case 'register': {
      const m = record(raw, 'register', [...keys, 'instance', 'service', 'role']);
      return {
        type,
        instance: name(m.instance, 'register.instance'),
        service: name(m.service, 'register.service'),
        role: oneOf(m.role, 'register.role', ['ingress', 'service'] as const),
      };
    }
    case 'report': {
      const packed = version === PACKED_VERSION;
      const m = record(raw, 'report', [
        ...keys,
        ...(packed ? PACKED_REPORT_FIELDS : REPORT_FIELDS),
      ]);
      const startSeconds = finite(m.startSeconds, 'report.startSeconds', 0);
      const endSeconds = finite(m.endSeconds, 'report.endSeconds', startSeconds);
      return {
        type,
        window: int(m.window, 'report.window', 0),
        startSeconds,
        endSeconds,
        measured: bool(m.measured, 'report.measured'),
        decisionEpoch: int(m.decisionEpoch, 'report.decisionEpoch', -1),
        tenants: packed
          ? unpackTenants(m.tenants, m.numbers, 'report')
          : readTenantList(m.tenants, 'report.tenants'),
        service: m.service === null ? null : readServiceReport(m.service, 'report.service'),
      };
    }
    case 'heartbeat': {
      const m = record(raw, 'heartbeat', [...keys, 'seq', 'epoch', 'leaseSeconds']);
      return {
        type,
        seq: int(m.seq, 'heartbeat.seq', 0),
        epoch: int(m.epoch, 'heartbeat.epoch', -1),
        leaseSeconds: finite(m.leaseSeconds, 'heartbeat.leaseSeconds', 0),
      };
    }
    case 'goodbye':
      record(raw, 'goodbye', keys);
      return { type };
    case 'welcome': {
      const m = record(raw, 'welcome', [
        ...keys,
        'session',
        'intervalSeconds',
        'heartbeatSeconds',
        'timeoutSeconds',
      ]);
      return {
        type,
        session: name(m.session, 'welcome.session'),
        intervalSeconds: bounded(m.intervalSeconds, 'welcome.intervalSeconds', 0, 86400, true),
        heartbeatSeconds: bounded(m.heartbeatSeconds, 'welcome.heartbeatSeconds', 0, 86400, true),
        timeoutSeconds: bounded(m.timeoutSeconds, 'welcome.timeoutSeconds', 0, 86400, true),
      };
    }
    case 'decision': {
      const m = record(raw, 'decision', [
        ...keys,
        'session',
        'epoch',
        'window',
        'leaseSeconds',
        'part',
      ]);
      return {
        type,
        session: name(m.session, 'decision.session'),
        epoch: int(m.epoch, 'decision.epoch', 0),
        window: int(m.window, 'decision.window', -1),
        leaseSeconds: bounded(m.leaseSeconds, 'decision.leaseSeconds', 0, 86400, true),
        part:
          version === PACKED_VERSION
            ? unpackPart(m.part, 'decision.part')
            : readDecisionPart(m.part, 'decision.part'),
      };
    }
    case 'error': {
      const m = record(raw, 'error', [...keys, 'code', 'message']);
      return {
        type,
        code: oneOf(m.code, 'error.code', ERROR_CODES),
        message: text(m.message, 'error.message'),
      };
    }
  }
}

function reject(reason: ErrorCode, detail: string): DecodeResult {
  return { ok: false, reason, detail };
}

function tenantToWire(t: TenantSignals): Record<string, unknown> {
  return {
    name: t.name,
    weight: t.weight,
    slo: { latency: t.slo.latency, percentile: t.slo.percentile },
    guaranteedRate: t.guaranteedRate,
    offered: t.offered,
    admitted: t.admitted,
    rejected: t.rejected,
    rejectedByReason: { ...t.rejectedByReason },
    completed: t.completed,
    failed: t.failed,
    timedOut: t.timedOut,
    retries: t.retries,
    goodput: t.goodput,
    entitlement: t.entitlement,
    latency: { ...t.latency },
  };
}

function serviceToWire(s: ServiceReport): Record<string, unknown> {
  return {
    ...s,
    tenants: Object.fromEntries(Object.entries(s.tenants).map(([k, v]) => [k, { ...v }])),
  };
}
