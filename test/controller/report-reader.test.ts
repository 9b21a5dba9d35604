import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decode, encode } from '@msgpack/msgpack';
import { PACKED_STRIDE, PACKED_TENANT_FIELDS } from '../../controller/codec-parts.js';
import { decodeGeneric, decodeMessage, encodeMessage } from '../../controller/codec.js';
import { readHeartbeat, readReportRow } from '../../controller/report-reader.js';
import { ReportRow, ROW, TENANT_STRIDE } from '../../controller/report-rows.js';
import { MAX_MESSAGE_BYTES, type ReportMessage } from '../../controller/protocol.js';
import { REJECT_REASONS } from '../../sim-cluster/enforcement.js';
import type { TenantSignals } from '../../sim-cluster/signals.js';
import { report, service, tenant, mutatedBodies } from './fixtures.js';

const full = (r: Omit<ReportMessage, 'type'>): ReportMessage => ({ type: 'report', ...r });

/** A row's content as plain values (numbers compared with Object.is by deepEqual). */
function rowContent(row: ReportRow) {
  return {
    names: row.names.slice(),
    tenantCount: row.tenantCount,
    values: Array.from(row.values.subarray(0, row.tenantCount * TENANT_STRIDE)),
  };
}

const spare = new ReportRow();
const expected = new ReportRow();

/** `body` read into a row, or null; when read, checked equal to the generic decoding. */
function readChecked(body: Uint8Array): ReportMessage | null {
  const m = readReportRow(body, spare);
  if (m === null) return null;
  const generic = decodeGeneric(body);
  assert.ok(generic.ok, 'the fast path read a body the generic path refuses');
  const report = generic.message as ReportMessage;
  assert.deepEqual(m, { ...report, tenants: [] });
  expected.fill(report);
  assert.deepEqual(rowContent(spare), rowContent(expected));
  return m;
}

test('ingress and service reports read into a row equal to the generic path', () => {
  const bodies = [
    encodeMessage(full(report(3, [tenant('a', 4), tenant('b', 0)]))),
    encodeMessage(full(report(0, [], service('api', { a: 2, b: 7 })))),
    encodeMessage(full(report(9, [tenant('a', 1)], service('db', {})))),
  ];
  for (const body of bodies) assert.notEqual(readChecked(body), null);
  // -0 (which our encoder writes as the integer 0): a float 64 of 0.25 with its bits flipped.
  const quarter = encodeMessage(
    full(report(1, [{ ...tenant('c', 1), slo: { latency: 0.25, percentile: 99 } }])),
  );
  const at = Buffer.from(quarter).indexOf(Buffer.from([0xcb, 0x3f, 0xd0, 0, 0, 0, 0, 0, 0]));
  quarter.set([0xcb, 0x80, 0, 0, 0, 0, 0, 0, 0], at);
  assert.notEqual(readChecked(quarter), null);
  assert.ok(Object.is(spare.values[ROW.sloLatency], -0));
});

test('packed reports (version 2) read into a row equal to the generic path and to version 1', () => {
  const reports = [
    full(report(3, [tenant('a', 4), { ...tenant('b', 0), guaranteedRate: null }])),
    full(report(0, [], service('api', { a: 2, b: 7 }))),
    full(report(9, [{ ...tenant('a', 1.25), slo: { latency: 0.2, percentile: 100 } }])),
  ];
  const v1 = new ReportRow();
  for (const r of reports) {
    const body = encodeMessage(r, 2);
    assert.notEqual(readChecked(body), null);
    const generic = decodeGeneric(body);
    assert.deepEqual(generic, { ok: true, message: r });
    assert.notEqual(readReportRow(encodeMessage(r, 1), v1), null);
    assert.deepEqual(rowContent(spare), rowContent(v1));
  }
  // The keys in another order read the same.
  const r = reports[0]!;
  const shuffled = encode({
    numbers: decodeNumbers(encodeMessage(r, 2)),
    service: null,
    tenants: r.tenants.map((t) => t.name),
    type: 'report',
    decisionEpoch: r.decisionEpoch,
    measured: r.measured,
    endSeconds: r.endSeconds,
    startSeconds: r.startSeconds,
    window: r.window,
    v: 2,
  });
  assert.notEqual(readChecked(shuffled), null);
});

/** The `numbers` of a packed report body. */
function decodeNumbers(body: Uint8Array): Uint8Array {
  return (decode(body) as { numbers: Uint8Array }).numbers;
}

test('a packed report that breaks a rule is left to the generic path, which rejects it', () => {
  const row = new ReportRow();
  const base = full(report(2, [tenant('a', 1), tenant('b', 2)]));
  const numbers = decodeNumbers(encodeMessage(base, 2));
  const at = (tenantIndex: number, field: string) =>
    (tenantIndex * PACKED_STRIDE + PACKED_TENANT_FIELDS.indexOf(field)) * 8;
  const withNumber = (offset: number, x: number) => {
    const copy = Uint8Array.from(numbers);
    new DataView(copy.buffer).setFloat64(offset, x, true);
    return copy;
  };
  const body = (over: Record<string, unknown>) =>
    encode({ v: 2, ...base, tenants: ['a', 'b'], numbers, ...over });
  assert.notEqual(readChecked(body({})), null);
  const bad: [string, Uint8Array][] = [
    ['numbers one byte short', body({ numbers: numbers.subarray(1) })],
    ['numbers for one tenant too many', body({ tenants: ['a'] })],
    ['numbers not a bin', body({ numbers: [1, 2] })],
    ['numbers nil', body({ numbers: null })],
    ['a tenant named twice', body({ tenants: ['a', 'a'] })],
    ['a negative count', body({ numbers: withNumber(at(1, 'latency.count'), -3) })],
    ['a rate of -2', body({ numbers: withNumber(at(0, 'guaranteedRate'), -2) })],
    ['a percentile over 100', body({ numbers: withNumber(at(1, 'slo.percentile'), 100.5) })],
    ['NaN', body({ numbers: withNumber(at(0, 'offered'), Number.NaN) })],
    ['Infinity', body({ numbers: withNumber(at(0, 'weight'), Number.POSITIVE_INFINITY) })],
    ['tenant maps under v 2', encode({ v: 2, ...base, numbers })],
    ['numbers under v 1', encode({ v: 1, ...base, tenants: ['a', 'b'], numbers })],
  ];
  for (const [what, b] of bad) {
    assert.equal(readReportRow(b, row), null, what);
    const d = decodeMessage(b);
    assert.equal(d.ok ? 'ok' : d.reason, 'invalid', what);
  }
  // -1 stands for a null guaranteed rate.
  const none = decodeMessage(body({ numbers: withNumber(at(1, 'guaranteedRate'), -1) }));
  assert.ok(none.ok);
  assert.equal((none.message as ReportMessage).tenants[1]!.guaranteedRate, null);
});

test('heartbeats take the fast path and decode equal to the generic path', () => {
  for (const [seq, epoch, leaseSeconds] of [
    [0, -1, 0],
    [41, 18, 2.6],
    [2 ** 32 - 1, 0, 1e300],
  ] as const) {
    const body = encodeMessage({ type: 'heartbeat', seq, epoch, leaseSeconds });
    const fast = readHeartbeat(body);
    assert.deepEqual(fast, { type: 'heartbeat', seq, epoch, leaseSeconds });
    assert.deepEqual({ ok: true, message: fast }, decodeGeneric(body));
  }
});

test('other messages and invalid reports are left to the generic path', () => {
  assert.equal(readHeartbeat(encodeMessage({ type: 'goodbye' })), null);
  const row = new ReportRow();
  assert.equal(
    readReportRow(encodeMessage({ type: 'heartbeat', seq: 1, epoch: 0, leaseSeconds: 0 }), row),
    null,
  );
  // Reports are read into rows only: decodeMessage decodes them on the generic path.
  assert.equal(readHeartbeat(encodeMessage(full(report(0, [tenant('t', 1)])))), null);
  const register = { type: 'register', instance: 'a', service: 'b', role: 'ingress' } as const;
  assert.equal(readHeartbeat(encodeMessage(register)), null);
  for (const bad of [
    { seq: -1, epoch: 0, leaseSeconds: 0 },
    { seq: 1.5, epoch: 0, leaseSeconds: 0 },
    { seq: 1, epoch: -2, leaseSeconds: 0 },
    { seq: 1, epoch: 0, leaseSeconds: -0.5 },
    { seq: 1, epoch: 0, leaseSeconds: Infinity },
  ]) {
    const body = encodeMessage({ type: 'heartbeat', ...bad });
    assert.equal(readHeartbeat(body), null, JSON.stringify(bad));
    assert.equal(decodeMessage(body).ok, false, JSON.stringify(bad));
  }
  assert.equal(
    readHeartbeat(encode({ v: 1, type: 'report', seq: 1, epoch: 0, leaseSeconds: 0 })),
    null,
  );
  assert.equal(
    readHeartbeat(encode({ v: 2, type: 'heartbeat', seq: 1, epoch: 0, leaseSeconds: 0 })),
    null,
  );
  const twice = full(report(0, [tenant('t', 1), tenant('t', 2)]));
  assert.equal(readReportRow(encodeMessage(twice), row), null);
  const negative = full(report(0, [{ ...tenant('t', 1), offered: -1 }]));
  assert.equal(readReportRow(encodeMessage(negative), row), null);
  assert.equal(decodeMessage(encodeMessage(negative)).ok, false);
  const extra = encode({ v: 1, ...full(report(0, [])), more: 1 });
  assert.equal(readReportRow(extra, row), null);
  const trailing = new Uint8Array([...encodeMessage(full(report(0, []))), 0xc0]);
  assert.equal(readReportRow(trailing, row), null);
  assert.equal(decodeMessage(trailing).ok, false);
});

const number = fc.oneof(
  fc.nat(300),
  fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  fc.double({ min: 0, max: 1e12, noNaN: true }),
  fc.constantFrom(-1, -0, 2 ** 53, Number.POSITIVE_INFINITY, Number.NaN, 1.5),
);
const name = fc.oneof(fc.constantFrom('t0', 't1', 'gold', '__proto__', 'é', ''), fc.string());
const tenantArb: fc.Arbitrary<TenantSignals> = fc
  .record({
    name,
    offered: number,
    weight: number,
    p99: number,
    shed: number,
    gr: number,
    pct: number,
  })
  .map(({ name: n, offered, weight, p99, shed, gr, pct }) => {
    const t = tenant(n, 1);
    return {
      ...t,
      offered,
      weight,
      slo: { latency: 0.1, percentile: pct },
      guaranteedRate: gr === 1.5 ? null : gr,
      rejectedByReason: { ...t.rejectedByReason, [REJECT_REASONS[1]]: shed },
      latency: { ...t.latency, p99 },
    };
  });
const reportArb = fc.record({
  window: fc.oneof(fc.nat(), fc.constant(-1), fc.constant(0.5)),
  tenants: fc.array(tenantArb, { maxLength: 4 }),
  withService: fc.boolean(),
  hops: number,
});

test('whatever the fast path reads into a row, the generic path accepts as an equal report', () => {
  fc.assert(
    fc.property(
      reportArb,
      fc.constantFrom(1, 2),
      fc.array(fc.nat(), { maxLength: 3 }),
      (r, v, flips) => {
        const body = encodeMessage(
          full(report(r.window, r.tenants, r.withService ? service('api', { t0: r.hops }) : null)),
          v as 1 | 2,
        );
        for (const candidate of mutatedBodies(body, flips)) {
          readChecked(candidate);
          assert.deepEqual(decodeMessage(candidate), decodeGeneric(candidate));
        }
      },
    ),
    { numRuns: 1500, seed: 9 },
  );
});

test('whatever the fast path accepts of a heartbeat, the generic path accepts as an equal message', () => {
  fc.assert(
    fc.property(
      number,
      number,
      number,
      fc.array(fc.nat(), { maxLength: 3 }),
      (seq, epoch, lease, flips) => {
        const body = encodeMessage({
          type: 'heartbeat',
          seq,
          epoch: epoch - 1,
          leaseSeconds: lease,
        });
        const bytes = new Uint8Array(body);
        for (const f of flips) bytes[f % bytes.length] = (bytes[f % bytes.length]! + f) & 0xff;
        for (const candidate of [body, bytes, bytes.subarray(0, Math.max(1, bytes.length - 2))]) {
          const generic = decodeGeneric(candidate);
          const fast = readHeartbeat(candidate);
          if (fast !== null) assert.deepEqual({ ok: true, message: fast }, generic);
          assert.deepEqual(decodeMessage(candidate), generic);
        }
      },
    ),
    { numRuns: 1500, seed: 9 },
  );
});

test('a body over the size limit is not read into a row', () => {
  const big = encodeMessage(full(report(1, [tenant('t', 1)])));
  const padded = new Uint8Array(MAX_MESSAGE_BYTES + 1);
  padded.set(big);
  assert.equal(readReportRow(padded, new ReportRow()), null);
  assert.notEqual(readReportRow(big, new ReportRow()), null);
});
