import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { aggregateSignals } from '../../controller/aggregate.js';
import { aggregateRows, ReportRow, ROW, TENANT_STRIDE } from '../../controller/report-rows.js';
import { encodeMessage } from '../../controller/codec.js';
import { PACKED_STRIDE, PACKED_TENANT_FIELDS } from '../../controller/codec-parts.js';
import { readReportRow } from '../../controller/report-reader.js';
import { RoundBook } from '../../controller/round-book.js';
import type { ReportMessage } from '../../controller/protocol.js';
import { REJECT_REASONS } from '../../sim-cluster/enforcement.js';
import type { TenantSignals } from '../../sim-cluster/signals.js';
import { report, service, tenant } from './fixtures.js';

const full = (r: Omit<ReportMessage, 'type'>): ReportMessage => ({ type: 'report', ...r });

/** Numbers a valid report may hold: integers, fractions, -0, large values. */
const number = fc.oneof(
  fc.nat(300),
  fc.double({ min: 0, max: 1e9, noNaN: true }),
  fc.constantFrom(-0, 0.1, 0.2, 0.3, 2 ** 40 + 0.5),
);
const tenantArb: fc.Arbitrary<TenantSignals> = fc
  .record({
    name: fc.constantFrom('t0', 't1', 't2', 'gold'),
    offered: number,
    weight: number,
    shed: number,
    gr: fc.option(number),
    count: number,
    mean: number,
    p99: number,
    max: number,
  })
  .map(({ name, offered, weight, shed, gr, count, mean, p99, max }) => {
    const t = tenant(name, 1);
    return {
      ...t,
      offered,
      weight,
      guaranteedRate: gr,
      rejectedByReason: { ...t.rejectedByReason, [REJECT_REASONS[1]]: shed },
      latency: { count, mean, p50: mean / 3, p90: p99 / 7, p99, max },
    };
  });
/** A report whose tenants have distinct names (as validation requires). */
const reportArb = fc
  .record({
    window: fc.nat(5),
    start: number,
    measured: fc.boolean(),
    epoch: fc.integer({ min: -1, max: 9 }),
    tenants: fc.uniqueArray(tenantArb, { maxLength: 4, selector: (t) => t.name }),
    service: fc.option(fc.record({ name: fc.constantFrom('api', 'db'), hops: number })),
  })
  .map((r) =>
    full({
      ...report(r.window, r.tenants, r.service && service(r.service.name, { t0: r.service.hops })),
      startSeconds: r.start,
      endSeconds: r.start + 1,
      measured: r.measured,
      decisionEpoch: r.epoch,
    }),
  );

test('rows aggregate to exactly the Signals aggregateSignals gives for the same reports', () => {
  // Rows are reused from round to round, as the round book reuses them.
  const rows = Array.from({ length: 6 }, () => new ReportRow());
  fc.assert(
    fc.property(fc.array(reportArb, { maxLength: 6 }), (reports) => {
      reports.forEach((r, i) => rows[i]!.fill(r));
      const got = aggregateRows(7, rows.slice(0, reports.length));
      assert.deepEqual(got, aggregateSignals(7, reports));
    }),
    { numRuns: 1500, seed: 9 },
  );
});

test('the same reports sent as version 1 and packed (version 2) aggregate to the same Signals', () => {
  const v1 = Array.from({ length: 6 }, () => new ReportRow());
  const v2 = Array.from({ length: 6 }, () => new ReportRow());
  // Version 1's encoder writes -0 as the integer 0; a packed report keeps -0 (JSON drops it).
  const noNegativeZero = (r: ReportMessage) => JSON.parse(JSON.stringify(r)) as ReportMessage;
  fc.assert(
    fc.property(fc.array(reportArb.map(noNegativeZero), { maxLength: 6 }), (reports) => {
      reports.forEach((r, i) => {
        assert.notEqual(readReportRow(encodeMessage(r, 1), v1[i]!), null, 'v1 read');
        assert.notEqual(readReportRow(encodeMessage(r, 2), v2[i]!), null, 'v2 read');
        v1[i]!.fillHeader(r);
        v2[i]!.fillHeader(r);
      });
      const signals = aggregateRows(7, v2.slice(0, reports.length));
      assert.deepEqual(signals, aggregateRows(7, v1.slice(0, reports.length)));
      assert.deepEqual(signals, aggregateSignals(7, reports));
    }),
    { numRuns: 500, seed: 11 },
  );
});

test("a packed tenant's numbers are in the order of a row's", () => {
  const at: Record<string, number> = {
    weight: ROW.weight,
    'slo.latency': ROW.sloLatency,
    'slo.percentile': ROW.sloPercentile,
    guaranteedRate: ROW.guaranteedRate,
    offered: ROW.offered,
    admitted: ROW.admitted,
    rejected: ROW.rejected,
    completed: ROW.completed,
    failed: ROW.failed,
    timedOut: ROW.timedOut,
    retries: ROW.retries,
    goodput: ROW.goodput,
    entitlement: ROW.entitlement,
  };
  REJECT_REASONS.forEach((r, i) => (at[`rejectedByReason.${r}`] = ROW.rejectedByReason + i));
  ['count', 'mean', 'p50', 'p90', 'p99', 'max'].forEach(
    (k, i) => (at[`latency.${k}`] = ROW.latency + i),
  );
  assert.equal(PACKED_STRIDE, TENANT_STRIDE);
  assert.deepEqual(
    PACKED_TENANT_FIELDS.map((f) => at[f]),
    Array.from({ length: TENANT_STRIDE }, (_, i) => i),
  );
});

test('a tenant reported once keeps its -0 and null guaranteed rate; summed ones start from 0', () => {
  const t = { ...tenant('t', 1), offered: -0, guaranteedRate: null };
  const one = new ReportRow();
  one.fill(full(report(1, [t])));
  const alone = aggregateRows(1, [one]).tenants[0]!;
  assert.ok(Object.is(alone.offered, -0));
  assert.equal(alone.guaranteedRate, null);
  const two = new ReportRow();
  two.fill(full(report(1, [t])));
  assert.ok(Object.is(aggregateRows(1, [one, two]).tenants[0]!.offered, 0));
});

test('a round closes with the reports of the live instances only, in registration order', () => {
  const book = new RoundBook();
  const a = Buffer.from('a');
  const b = Buffer.from('b');
  const c = Buffer.from('c');
  book.register(a, 'in-a', 'ingress', 'ingress', 0);
  book.register(b, 'in-b', 'ingress', 'ingress', 0);
  book.register(c, 'in-c', 'ingress', 'ingress', 0);
  const reports = [
    full(report(4, [tenant('u', 2)])),
    full(report(4, [tenant('t', 3)])),
    full(report(4, [tenant('t', 5)])),
  ];
  assert.equal(book.file(c.toString('hex'), reports[2]!), 'accepted');
  assert.equal(book.file(a.toString('hex'), reports[0]!), 'accepted');
  assert.equal(book.file(a.toString('hex'), reports[0]!), 'duplicate');
  assert.equal(book.file(b.toString('hex'), reports[1]!), 'accepted');
  assert.equal(book.complete(), true);
  book.remove(b.toString('hex'));
  assert.equal(book.complete(), true);
  const closed = book.close();
  assert.equal(closed.reports, 2);
  assert.deepEqual(closed.signals, aggregateSignals(4, [reports[0]!, reports[2]!]));
  assert.equal(book.pending(), false);
  assert.equal(book.file(c.toString('hex'), reports[2]!), 'late');
});

test('an instance registering again on its connection keeps the report it filed', () => {
  const book = new RoundBook();
  const a = Buffer.from('a');
  book.register(a, 'in-a', 'ingress', 'ingress', 0);
  book.register(Buffer.from('b'), 'in-b', 'ingress', 'ingress', 0);
  book.file(a.toString('hex'), full(report(0, [tenant('t', 1)])));
  book.register(a, 'in-a', 'ingress', 'ingress', 1);
  assert.equal(book.pending(), true);
  assert.equal(book.complete(), false);
  assert.equal(book.file(a.toString('hex'), full(report(0, [tenant('t', 1)]))), 'duplicate');
  assert.equal(book.close().reports, 1);
});

test('an instance name registered on a new connection replaces its old connection, and only that', () => {
  const book = new RoundBook();
  const [a, b, c] = [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')];
  book.register(a, 'in-a', 'ingress', 'ingress', 0);
  book.register(b, 'in-b', 'ingress', 'ingress', 0);
  book.register(c, 'in-a', 'ingress', 'ingress', 1);
  assert.deepEqual(
    book.live().map((i) => [i.id, i.key]),
    [
      ['in-b', b.toString('hex')],
      ['in-a', c.toString('hex')],
    ],
  );
  const liveIds = () =>
    book
      .live()
      .map((i) => i.id)
      .sort();
  // Connection b renames itself: its old name is free, and taking it drops nobody.
  book.register(b, 'in-z', 'ingress', 'ingress', 2);
  book.register(a, 'in-b', 'ingress', 'ingress', 3);
  assert.deepEqual(liveIds(), ['in-a', 'in-b', 'in-z']);
  // Removing a connection frees its name for the next one.
  book.remove(c.toString('hex'));
  book.register(Buffer.from('d'), 'in-a', 'ingress', 'ingress', 4);
  assert.deepEqual(liveIds(), ['in-a', 'in-b', 'in-z']);
  assert.equal(book.size, 3);
});
