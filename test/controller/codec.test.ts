import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '@msgpack/msgpack';
import { decodeMessage, encodeMessage } from '../../controller/codec.js';
import { MAX_MESSAGE_BYTES, type Message } from '../../controller/protocol.js';
import { report, service, tenant } from './fixtures.js';

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
  assert.equal(reasonOf(encode({ v: 2, type: 'goodbye' })), 'unknown-version');
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
