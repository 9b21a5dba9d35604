import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptDecision, NO_LEASE, partInForce, renewLease } from '../../controller/sdk/lease.js';
import { z85Decode, z85Encode } from '../../controller/z85.js';

const safe = { tenants: { t: { rateLimit: { ratePerSecond: 1, burst: 1 } } } };
const part = { tenants: { t: { rateLimit: { ratePerSecond: 50, burst: 5 } } } };

test('before any decision the safe part is in force', () => {
  assert.equal(partInForce(NO_LEASE, safe, 0).source, 'safe');
});

test('a decision is in force until its lease ends, then the safe part returns', () => {
  const s = acceptDecision(NO_LEASE, 'a', 1, part, 2, 10);
  assert.equal(partInForce(s, safe, 11.9).part, part);
  assert.equal(partInForce(s, safe, 12).part, safe);
});

test('an older epoch of the same session is ignored, a new session is accepted', () => {
  const s = acceptDecision(NO_LEASE, 'a', 5, part, 2, 0);
  assert.equal(acceptDecision(s, 'a', 4, safe, 2, 1), s);
  assert.equal(acceptDecision(s, 'b', 1, safe, 2, 1).session, 'b');
});

test('a heartbeat renews the lease of the epoch in force only', () => {
  const s = acceptDecision(NO_LEASE, 'a', 5, part, 2, 0);
  assert.equal(renewLease(s, 'a', 5, 2, 1.5).expiresAtSeconds, 3.5);
  assert.equal(renewLease(s, 'a', 4, 2, 1.5), s);
  assert.equal(renewLease(s, 'b', 5, 2, 1.5), s);
});

test('z85 encodes the RFC 32 test vector and decodes it back', () => {
  const bytes = Uint8Array.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
  assert.equal(z85Encode(bytes), 'HelloWorld');
  assert.deepEqual(z85Decode('HelloWorld'), bytes);
});
