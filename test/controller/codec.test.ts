import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import {
  decisionEncoder,
  decodeMessage,
  encodeMessage,
  ingressPartEncoder,
  versionOf,
} from '../../controller/codec.js';
import { PACKED_TENANT_FIELDS } from '../../controller/codec-parts.js';
import { MAX_MESSAGE_BYTES, type DecisionPart, type Message } from '../../controller/protocol.js';
import { Split } from '../../controller/split.js';
import {
  DECISION_SHARED as shared,
  decisionOf,
  ingressCase,
  ingressDecisionArb,
  report,
  service,
  tenant,
} from './fixtures.js';

const EXAMPLES: Message[] = [
  { type: 'register', instance: 'api-1', service: 'api', role: 'service' },
  { type: 'report', ...report(4, [tenant('t', 3)], service('api', { t: 3 })) },
  { type: 'heartbeat', seq: 9, epoch: 2, leaseSeconds: 1.5 },
  { type: 'goodbye' },
  { type: 'welcome', session: 'abc', intervalSeconds: 1, heartbeatSeconds: 1, timeoutSeconds: 3 },
  {
    type: 'decision',
    session: 'abc',
    epoch: 3,
    window: 2,
    leaseSeconds: 3,
    part: {
      tenants: {
        t: {
          rateLimit: { ratePerSecond: 5.5, burst: 2 },
          weight: 2,
          deadlineAdmission: { slack: 0.2 },
        },
      },
      services: { api: { concurrencyLimit: 8, tenants: { t: { admitProbability: 0.5 } } } },
    },
  },
  { type: 'error', code: 'invalid', message: 'x must be y' },
];

for (const message of EXAMPLES) {
  test(`a ${message.type} message survives encoding and decoding unchanged`, () => {
    const decoded = decodeMessage(encodeMessage(message));
    assert.deepEqual(decoded, { ok: true, message });
  });
}

for (const message of EXAMPLES) {
  test(`a ${message.type} message encoded in version 2 decodes as in version 1`, () => {
    const body = encodeMessage(message, 2);
    assert.deepEqual(decodeMessage(body), { ok: true, message });
    assert.equal(versionOf(body), 2);
    assert.equal(versionOf(encodeMessage(message)), 1);
    // Only a report and a decision are laid out differently (packed).
    const v1 = encodeMessage(message, 1);
    if (message.type === 'report' || message.type === 'decision')
      assert.notDeepEqual(body.subarray(1), v1.subarray(1));
    else assert.deepEqual(decode(body), { ...(decode(v1) as object), v: 2 });
  });
}

test('a packed report is smaller than the same report in version 1', () => {
  const tenants = Array.from({ length: 8 }, (_, i) => tenant(`tenant-${i}`, 10 + i));
  const r: Message = { type: 'report', ...report(5, tenants) };
  assert.ok(encodeMessage(r, 2).length < 0.7 * encodeMessage(r, 1).length);
});

function reasonOf(body: Uint8Array): string {
  const d = decodeMessage(body);
  return d.ok ? 'ok' : d.reason;
}

test('a body larger than the size limit is rejected as oversized before decoding', () => {
  assert.equal(reasonOf(new Uint8Array(MAX_MESSAGE_BYTES + 1)), 'oversized');
});

test('bytes that are not MessagePack are rejected as malformed', () => {
  assert.equal(reasonOf(Uint8Array.from([0xc1])), 'malformed');
  assert.equal(reasonOf(new Uint8Array(0)), 'malformed');
  assert.equal(reasonOf(encode('hello')), 'malformed');
});

test('a message of another protocol version is rejected as unknown-version', () => {
  assert.equal(reasonOf(encode({ v: 3, type: 'goodbye' })), 'unknown-version');
  assert.equal(reasonOf(encode({ v: 0, type: 'goodbye' })), 'unknown-version');
  assert.equal(reasonOf(encode({ v: '1', type: 'goodbye' })), 'unknown-version');
});

test('unknown fields, unknown types and out-of-range values are rejected as invalid', () => {
  assert.equal(reasonOf(encode({ v: 1, type: 'goodbye', extra: 1 })), 'invalid');
  assert.equal(reasonOf(encode({ v: 1, type: 'shout' })), 'invalid');
  assert.equal(
    reasonOf(encode({ v: 1, type: 'heartbeat', seq: 1.5, epoch: 0, leaseSeconds: 0 })),
    'invalid',
  );
  const bad = { ...tenant('t', 1), offered: Number.NaN };
  assert.equal(reasonOf(encode({ v: 1, type: 'report', ...report(0, [bad]) })), 'invalid');
  const twice = report(0, [tenant('t', 1), tenant('t', 2)]);
  assert.equal(reasonOf(encode({ v: 1, type: 'report', ...twice })), 'invalid');
  const slack = { tenants: { t: { deadlineAdmission: { slack: 1 } } } };
  assert.equal(
    reasonOf(
      encode({
        v: 1,
        type: 'decision',
        session: 's',
        epoch: 1,
        window: 0,
        leaseSeconds: 1,
        part: slack,
      }),
    ),
    'invalid',
  );
});

test('a map that tries to set __proto__ is rejected, not merged into the prototype', () => {
  const body = encode({
    v: 1,
    type: 'register',
    instance: '__proto__',
    service: 'api',
    role: 'service',
  });
  assert.equal(reasonOf(body), 'invalid');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('every number of a reported tenant is checked: a bad one is rejected naming its path', () => {
  const t = tenant('t', 1);
  const paths: [string, (x: unknown) => unknown][] = [
    ['weight', (x) => ({ ...t, weight: x })],
    ['offered', (x) => ({ ...t, offered: x })],
    ['entitlement', (x) => ({ ...t, entitlement: x })],
    ['guaranteedRate', (x) => ({ ...t, guaranteedRate: x })],
    ['slo.latency', (x) => ({ ...t, slo: { ...t.slo, latency: x } })],
    ['slo.percentile', (x) => ({ ...t, slo: { ...t.slo, percentile: x } })],
    ['latency.p99', (x) => ({ ...t, latency: { ...t.latency, p99: x } })],
    [
      'rejectedByReason.shed',
      (x) => ({ ...t, rejectedByReason: { ...t.rejectedByReason, shed: x } }),
    ],
  ];
  for (const [path, make] of paths) {
    for (const bad of [-1, 'x', Number.POSITIVE_INFINITY]) {
      const body = encode({ v: 1, type: 'report', ...report(0, [make(bad) as typeof t]) });
      const d = decodeMessage(body);
      assert.equal(d.ok, false, `${path} = ${String(bad)} accepted`);
      if (!d.ok) {
        assert.equal(d.reason, 'invalid');
        assert.match(d.detail, new RegExp(`report\\.tenants\\[0\\]\\.${path.replace('.', '\\.')}`));
      }
    }
  }
  const { offered: _offered, ...missing } = t;
  assert.equal(
    reasonOf(encode({ v: 1, type: 'report', ...report(0, [missing as typeof t]) })),
    'invalid',
  );
});

test("a round's decision messages built on a shared header are byte for byte encodeMessage's", () => {
  const encode1 = decisionEncoder(shared);
  const parts: DecisionPart[] = [
    {},
    { tenants: { t: { rateLimit: { ratePerSecond: 33.25, burst: 1 } } } },
    { tenants: {}, services: { api: { concurrencyLimit: 4.5, queueDelayThreshold: 0.2 } } },
  ];
  for (const part of parts) {
    const bytes = encode1(part);
    assert.deepEqual(new Uint8Array(bytes), encodeMessage(decisionOf(part)));
    assert.deepEqual(decodeMessage(bytes), {
      ok: true,
      message: decisionOf(part),
    });
  }
});

test("an ingress part written straight into bytes is byte for byte its split part's encoding", () => {
  fc.assert(
    fc.property(ingressDecisionArb, (drawn) => {
      const { decision, instances } = ingressCase(drawn);
      const split = new Split(decision, instances);
      const encodeIngress = ingressPartEncoder(shared, split);
      const encodeAny = decisionEncoder(shared);
      instances.forEach((_, i) => {
        const expected = encodeAny(split.part(i));
        assert.deepEqual(new Uint8Array(encodeIngress(i)), new Uint8Array(expected));
        assert.deepEqual(new Uint8Array(expected), encodeMessage(decisionOf(split.part(i))));
      });
    }),
    { numRuns: 1000, seed: 9 },
  );
});

test("docs/protocol.md lists a packed tenant's 26 numbers in the codec's order", () => {
  const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('#### 5.3.1'), doc.indexOf('### 5.4'));
  const listed = new Map<number, string>();
  for (const [, index, field] of section.matchAll(/\| (\d+) \| `([^`]+)`/g))
    listed.set(Number(index), field!);
  assert.deepEqual(
    Array.from({ length: listed.size }, (_, i) => listed.get(i)),
    PACKED_TENANT_FIELDS,
  );
});
