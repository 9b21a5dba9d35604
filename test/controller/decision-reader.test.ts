import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encode } from '@msgpack/msgpack';
import {
  decisionEncoder,
  decodeGeneric,
  decodeMessage,
  encodeMessage,
} from '../../controller/codec.js';
import { readDecision } from '../../controller/decision-reader.js';
import { readHeartbeat } from '../../controller/report-reader.js';
import type { DecisionMessage, DecisionPart } from '../../controller/protocol.js';
import {
  DECISION_SHARED as shared,
  decisionOf as decision,
  INGRESS_PART,
  SERVICE_PART,
  keyOrder,
  mutatedBodies,
  partNameArb,
  tenantKnobsArb,
} from './fixtures.js';

/** The fast result equals the generic one, values by Object.is and keys in the same order. */
function assertSame(fast: DecisionMessage | null, body: Uint8Array): void {
  const generic = decodeGeneric(body);
  assert.deepEqual({ ok: true, message: fast }, generic);
  assert.deepEqual(keyOrder(fast), keyOrder(generic.ok ? generic.message : null));
}

const ingress = INGRESS_PART;
const service = SERVICE_PART;

test('decisions of every shape take the fast path and decode equal to the generic path', () => {
  const parts: DecisionPart[] = [
    {},
    { tenants: {} },
    { services: {} },
    ingress,
    service,
    { services: { api: { tenants: {} } } },
  ];
  for (const part of parts) {
    const body = encodeMessage(decision(part));
    const fast = readDecision(body);
    assert.notEqual(fast, null, JSON.stringify(part));
    assertSame(fast, body);
    assert.deepEqual(decodeMessage(body), decodeGeneric(body));
    // The daemon's encoder writes the same bytes.
    assert.deepEqual(decisionEncoder(shared)(part), Buffer.from(body));
  }
  const snapshot = encodeMessage({
    ...decision(ingress),
    window: -1,
    epoch: 0,
    leaseSeconds: 1e-3,
  });
  assertSame(readDecision(snapshot), snapshot);
});

test('keys in another order on the wire still decode, in the generic path key order', () => {
  // services before tenants, knobs and rate limits backwards, top-level keys shuffled.
  const reversed = (v: unknown): unknown =>
    typeof v === 'object' && v !== null
      ? Object.fromEntries(
          Object.entries(v)
            .reverse()
            .map(([k, x]) => [k, reversed(x)]),
        )
      : v;
  const body = encode({
    part: reversed(service),
    ...(reversed({ v: 1, type: 'decision', ...shared }) as object),
  });
  const fast = readDecision(body);
  assert.notEqual(fast, null);
  assertSame(fast, body);
  assert.deepEqual(keyOrder(fast?.part.tenants?.gold), [
    'weight',
    'priority',
    'concurrencyLimit',
    'admitProbability',
  ]);
});

test('other messages and invalid decisions are left to the generic path', () => {
  assert.equal(readDecision(encodeMessage({ type: 'goodbye' })), null);
  assert.equal(
    readDecision(encodeMessage({ type: 'heartbeat', seq: 1, epoch: 0, leaseSeconds: 1 })),
    null,
  );
  const welcome = { type: 'welcome', session: 's', intervalSeconds: 1 } as const;
  assert.equal(
    readDecision(encodeMessage({ ...welcome, heartbeatSeconds: 1, timeoutSeconds: 3 })),
    null,
  );
  // And the report fast path leaves decisions alone.
  assert.equal(readHeartbeat(encodeMessage(decision(ingress))), null);
  const bad: unknown[] = [
    { ...shared, epoch: -1 },
    { ...shared, epoch: 1.5 },
    { ...shared, window: -2 },
    { ...shared, leaseSeconds: 0 },
    { ...shared, leaseSeconds: 86401 },
    { ...shared, session: '' },
    { ...shared, session: 'a\u0001b' },
    { ...shared, part: { tenants: { t: { weight: 0 } } } },
    { ...shared, part: { tenants: { t: { priority: Infinity } } } },
    { ...shared, part: { tenants: { t: { admitProbability: 1.01 } } } },
    { ...shared, part: { tenants: { t: { concurrencyLimit: -1 } } } },
    { ...shared, part: { tenants: { t: { rateLimit: { ratePerSecond: 1, burst: 0.5 } } } } },
    { ...shared, part: { tenants: { t: { rateLimit: { ratePerSecond: -1, burst: 1 } } } } },
    { ...shared, part: { tenants: { t: { rateLimit: { ratePerSecond: 1 } } } } },
    { ...shared, part: { tenants: { t: { deadlineAdmission: { slack: 1 } } } } },
    { ...shared, part: { tenants: { t: { weight: null } } } },
    { ...shared, part: { tenants: { t: { other: 1 } } } },
    { ...shared, part: { services: { api: { tenants: { t: { rateLimit: {} } } } } } },
    { ...shared, part: { services: { api: { weight: 1 } } } },
    { ...shared, part: { other: {} } },
    { ...shared, part: null },
  ];
  for (const fields of bad) {
    const body = encode({ v: 1, type: 'decision', ...(fields as object) });
    assert.equal(readDecision(body), null, JSON.stringify(fields));
    assert.equal(decodeMessage(body).ok, false, JSON.stringify(fields));
  }
  const { part: _part, ...noPart } = shared as typeof shared & { part?: unknown };
  assert.equal(readDecision(encode({ v: 1, type: 'decision', ...noPart, window: 2 })), null);
  // A version-1 part under v 2 (packed decisions: packed-decision.test.ts).
  assert.equal(readDecision(encode({ v: 2, ...decision(ingress) })), null);
  assert.equal(decodeMessage(encode({ v: 2, ...decision(ingress) })).ok, false);
  assert.equal(readDecision(encode({ v: 1, ...decision({}), more: 1 })), null);
  const trailing = new Uint8Array([...encodeMessage(decision(ingress)), 0xc0]);
  assert.equal(readDecision(trailing), null);
  assert.equal(decodeMessage(trailing).ok, false);
  // A tenant named twice: the generic decoder keeps the last, the fast path leaves it.
  const twice = Buffer.from(encodeMessage(decision({ tenants: { ab: {}, ac: {} } })));
  twice[twice.lastIndexOf(Buffer.from('ac')) + 1] = 'b'.charCodeAt(0);
  assert.equal(readDecision(twice), null);
  assert.deepEqual(decodeMessage(twice), decodeGeneric(twice));
});

const number = fc.oneof(
  fc.double({ min: 0, max: 2, noNaN: true }),
  fc.nat(1000),
  fc.double({ min: -1e12, max: 1e12, noNaN: true }),
  fc.constantFrom(-1, -0, 0, 1, 2 ** 53, 2 ** 32, Infinity, -Infinity, NaN, 0.5, 86400, 86401),
);
const name = partNameArb;
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const knobsArb = fc.record(
  {
    weight: number,
    priority: number,
    concurrencyLimit: number,
    queueDelayThreshold: number,
    admitProbability: number,
  },
  { requiredKeys: [] },
);
const tenantArb = tenantKnobsArb(number);
const serviceArb = fc.record(
  {
    concurrencyLimit: number,
    queueDelayThreshold: number,
    tenants: fc.dictionary(name, knobsArb, { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);
const partArb = fc.record({
  tenants: maybe(fc.dictionary(name, tenantArb, { maxKeys: 5 })),
  services: maybe(fc.dictionary(name, serviceArb, { maxKeys: 3 })),
});
const messageArb = fc.record({
  session: name,
  epoch: fc.oneof(fc.nat(), number),
  window: fc.oneof(fc.integer({ min: -1, max: 50 }), number),
  leaseSeconds: number,
  part: partArb,
});

test('whatever the fast path accepts of a decision, the generic path accepts as an equal message', () => {
  let accepted = 0;
  fc.assert(
    fc.property(messageArb, fc.array(fc.nat(), { maxLength: 3 }), (m, flips) => {
      const body = encodeMessage({ type: 'decision', ...m } as DecisionMessage);
      for (const candidate of mutatedBodies(body, flips)) {
        const generic = decodeGeneric(candidate);
        const fast = readDecision(candidate);
        if (fast !== null) {
          accepted++;
          assertSame(fast, candidate);
        }
        assert.deepEqual(decodeMessage(candidate), generic);
      }
      // Valid bodies the fast path turned down: only for what it leaves by design.
      if (generic(body) && readDecision(body) === null) assert.ok(unusual(m), JSON.stringify(m));
    }),
    { numRuns: 3000, seed: 9 },
  );
  // The generator must reach the fast path often, or the property says little.
  assert.ok(accepted > 300, `fast path accepted only ${accepted} bodies`);
});

function generic(body: Uint8Array): boolean {
  return decodeGeneric(body).ok;
}

/** Every number in `value`, depth first. */
function numbers(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(numbers);
}

/**
 * What the fast path leaves to the generic one even when valid: non-ASCII names, and
 * integers beyond 32 bits (written as 64-bit integers).
 */
function unusual(m: { session: string; part: unknown }): boolean {
  const names = [m.session, ...keyOrder(m.part)];
  return (
    names.some((n) => /[^\x20-\x7e]/.test(n)) ||
    numbers(m).some((x) => Number.isInteger(x) && Math.abs(x) >= 2 ** 31)
  );
}
