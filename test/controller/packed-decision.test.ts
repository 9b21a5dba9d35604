import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { decode, encode } from '@msgpack/msgpack';
import { decodeGeneric, decodeMessage, encodeMessage } from '../../controller/codec.js';
import { readDecision } from '../../controller/decision-reader.js';
import { PACKED_KNOBS, packedIngressEncoder, packPart } from '../../controller/packed-decision.js';
import type { DecisionPart } from '../../controller/protocol.js';
import { Split } from '../../controller/split.js';
import {
  DECISION_SHARED as shared,
  decisionOf as decision,
  INGRESS_PART,
  SERVICE_PART,
  ingressCase,
  ingressDecisionArb,
  keyOrder,
  mutatedBodies,
  partNameArb,
  tenantKnobsArb,
} from './fixtures.js';

/** A part encoded in version 1 and packed decodes to equal messages, keys in one order. */
function assertSameInBoth(part: DecisionPart): void {
  const v1 = decodeMessage(encodeMessage(decision(part), 1));
  const packed = encodeMessage(decision(part), 2);
  const v2 = decodeMessage(packed);
  assert.deepEqual(v2, v1, JSON.stringify(part));
  assert.deepEqual(decodeGeneric(packed), v1);
  assert.deepEqual(keyOrder(v2), keyOrder(v1));
}

const ingress = INGRESS_PART;
const service = SERVICE_PART;

test('a packed decision decodes to the same message as its version-1 form, by either path', () => {
  const parts: DecisionPart[] = [{}, { tenants: {} }, { services: {} }, ingress, service];
  for (const part of parts) {
    assertSameInBoth(part);
    const packed = encodeMessage(decision(part), 2);
    assert.notEqual(readDecision(packed), null, 'the fast path reads it');
    assert.equal((decode(packed) as { v: number }).v, 2);
  }
  // Fewer bytes where it matters: an ingress part.
  assert.ok(encodeMessage(decision(ingress), 2).length < encodeMessage(decision(ingress)).length);
});

test('a packed part carries only the knob columns its tenants set, in the table order', () => {
  const wire = packPart(ingress);
  assert.deepEqual(wire.tenants, ['7', 'gold', 'silver', 'bronze']);
  assert.deepEqual(wire.knobs, ['ratePerSecond', 'burst', 'slack']);
  const numbers = wire.numbers as Uint8Array;
  const view = new DataView(numbers.buffer, numbers.byteOffset, numbers.byteLength);
  const at = (tenant: number, column: number) => view.getFloat64((tenant * 3 + column) * 8, true);
  assert.ok(Number.isNaN(at(0, 0)) && Number.isNaN(at(0, 1)), "'7' sets no rate limit");
  assert.equal(at(0, 2), 0);
  assert.equal(at(1, 0), 412.75);
  assert.equal(at(1, 1), 41.2);
  assert.equal(at(3, 0), Infinity);
  assert.deepEqual(packPart({ services: {} }), { services: {} });
});

test('broken packed decisions are refused with the rule they break, by both paths', () => {
  const ok = packPart(ingress);
  const numbers = ok.numbers as Uint8Array;
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...ok, numbers: numbers.subarray(8) }, /numbers must be a bin of 96 bytes/],
    [{ ...ok, numbers: 5 }, /numbers must be a bin/],
    [{ ...ok, knobs: ['burst', 'ratePerSecond', 'slack'] }, /knobs\[1\] must be one of/],
    [{ ...ok, knobs: ['ratePerSecond', 'burst', 'other'] }, /knobs\[2\] must be one of/],
    [{ ...ok, knobs: ['ratePerSecond', 'ratePerSecond', 'slack'] }, /knobs\[1\]/],
    [{ ...ok, tenants: ['7', 'gold', 'gold', 'bronze'] }, /names tenant 'gold' twice/],
    [{ ...ok, tenants: ['7', 'gold', '', 'bronze'] }, /tenants\[2\] must be a name/],
    [{ tenants: ok.tenants }, /all of tenants, knobs and numbers, or none/],
    [{ ...ok, extra: 1 }, /unknown field 'extra'/],
    [{ ...ok, services: { api: { weight: 1 } } }, /unknown field 'weight'/],
    // Half a rate limit: the other half is NaN (left out), as in version 1 it is missing.
    [
      packPart({ tenants: { t: { rateLimit: { ratePerSecond: 5, burst: NaN } } } }),
      /rateLimit\.burst must be a number/,
    ],
    [packPart({ tenants: { t: { weight: 0 } } }), /weight must be a number in \(0/],
    [packPart({ tenants: { t: { admitProbability: 2 } } }), /admitProbability/],
    [packPart({ tenants: { t: { deadlineAdmission: { slack: 1 } } } }), /slack must be < 1/],
    [packPart({ tenants: { t: { priority: -Infinity } } }), /priority must be a finite/],
  ];
  for (const [part, rule] of cases) {
    const body = encode({ v: 2, ...decision({}), part });
    assert.equal(readDecision(body), null, JSON.stringify(part));
    const decoded = decodeMessage(body);
    assert.equal(decoded.ok, false, JSON.stringify(part));
    assert.equal(decoded.ok ? '' : decoded.reason, 'invalid');
    assert.match(decoded.ok ? '' : decoded.detail, rule);
  }
  // A version-1 part under v 2, and a packed part under v 1, are refused too.
  for (const [v, part] of [
    [2, { tenants: { t: {} } }],
    [1, ok],
  ] as const) {
    const body = encode({ v, ...decision({}), part });
    assert.equal(readDecision(body), null);
    assert.equal(decodeMessage(body).ok, false);
  }
});

const number = fc.oneof(
  fc.double({ min: 0, max: 2, noNaN: true }),
  fc.nat(1000),
  fc.double({ min: -1e12, max: 1e12, noNaN: true }),
  fc.constantFrom(-1, -0, 0, 1, 2 ** 53, 2 ** 32, Infinity, -Infinity, 0.5, 86400),
);
const name = partNameArb;
const tenantArb = tenantKnobsArb(number);
const partArb = fc.record(
  {
    tenants: fc.dictionary(name, tenantArb, { maxKeys: 5 }),
    services: fc.dictionary(
      name,
      fc.record({ concurrencyLimit: number, queueDelayThreshold: number }, { requiredKeys: [] }),
      { maxKeys: 2 },
    ),
  },
  { requiredKeys: [] },
);

test('any part means the same packed as in version 1: valid in both or neither, equal when valid', () => {
  let valid = 0;
  fc.assert(
    fc.property(partArb, (part) => {
      const v1 = decodeMessage(encodeMessage(decision(part), 1));
      const packed = encodeMessage(decision(part), 2);
      const v2 = decodeMessage(packed);
      assert.equal(v2.ok, v1.ok, JSON.stringify(part));
      assert.deepEqual(decodeGeneric(packed).ok, v1.ok);
      if (!v1.ok) return;
      valid++;
      assert.deepEqual(v2, v1);
      assert.deepEqual(keyOrder(v2), keyOrder(v1));
    }),
    { numRuns: 3000, seed: 9 },
  );
  assert.ok(valid > 300, `only ${valid} valid parts generated`);
});

test('whatever the fast path accepts of a packed decision, the generic path accepts as equal', () => {
  let accepted = 0;
  fc.assert(
    fc.property(partArb, fc.array(fc.nat(), { maxLength: 3 }), (part, flips) => {
      const body = encodeMessage(decision(part), 2);
      for (const candidate of mutatedBodies(body, flips)) {
        const generic = decodeGeneric(candidate);
        const fast = readDecision(candidate);
        if (fast !== null) {
          accepted++;
          assert.deepEqual({ ok: true, message: fast }, generic);
          assert.deepEqual(keyOrder(fast), keyOrder(generic.ok ? generic.message : null));
        }
        assert.deepEqual(decodeMessage(candidate), generic);
      }
    }),
    { numRuns: 3000, seed: 10 },
  );
  assert.ok(accepted > 300, `fast path accepted only ${accepted} bodies`);
});

test("a round's packed ingress decisions, patched into one template, are their split parts packed", () => {
  fc.assert(
    fc.property(ingressDecisionArb, (drawn) => {
      const { decision: d, instances } = ingressCase(drawn);
      const split = new Split(d, instances);
      const encodePacked = packedIngressEncoder(shared, split);
      instances.forEach((_, i) => {
        const part = split.part(i);
        const fast = encodePacked(i);
        const expected = encodeMessage(decision(part), 2);
        assert.deepEqual(new Uint8Array(fast), expected);
        assert.deepEqual(decodeMessage(fast), decodeMessage(encodeMessage(decision(part), 1)));
        assert.deepEqual(decodeMessage(fast), decodeMessage(expected));
      });
    }),
    { numRuns: 1000, seed: 9 },
  );
});

test('docs/protocol.md lists the knob columns of a packed decision in the codec order', () => {
  const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('#### 5.4.1'), doc.indexOf('### 5.5'));
  const listed = new Map<number, string>();
  for (const [, index, knob] of section.matchAll(/\| (\d+) \| `([^`]+)` \|/g))
    listed.set(Number(index), knob!);
  assert.deepEqual(
    Array.from({ length: listed.size }, (_, i) => listed.get(i)),
    [...PACKED_KNOBS],
  );
});
