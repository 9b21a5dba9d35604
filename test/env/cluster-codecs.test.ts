import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidActionError, InvalidArgumentError } from '../../sim-cluster/errors.js';
import {
  ActionCodec,
  FeatureRanges,
  GLOBAL_FEATURES,
  ObservationCodec,
  TENANT_FEATURES,
  admitProbabilityOf,
  rejectedWithinEntitlement,
  windowScore,
} from '../../env/index.js';
import type { ActionCodecJson, ObservationCodecJson } from '../../env/index.js';
import { service, signals, tenant } from './fixtures/cluster-signals.js';

const A = tenant('alpha', { weight: 2, guaranteedRate: 8, offered: 20, entitlement: 8 });
const B = tenant('beta', { offered: 40, entitlement: 40, goodput: 30, completed: 35 });
const C = tenant('gamma', { offered: 0, entitlement: 0, goodput: 0, completed: 0 });
const API = service('api', [{}, { cpuSeconds: 0.15 }, { hops: 0, cpuSeconds: 0, outstanding: 0 }]);
const DB = service('db', [{ meanQueueWait: 0.4 }, {}, { hops: 0, cpuSeconds: 0, outstanding: 0 }], {
  utilization: 0.9,
});
const WINDOW = signals([A, B, C], [API, DB]);

test('the window score is goodput over entitlement capped at 1, averaged with weights', () => {
  const s = windowScore(WINDOW);
  // alpha: min(1, 10 / 8) = 1 at weight 2; beta: 30 / 40 at weight 1; gamma offered nothing.
  assert.deepEqual(s.tenantScores, { alpha: 1, beta: 0.75, gamma: null });
  assert.equal(s.score, (2 * 1 + 1 * 0.75) / 3);
  assert.equal(windowScore(signals([C])).score, 1);
});

test('rejections beyond a tenant entitlement are not counted as rejected within it', () => {
  // alpha offered 20 with an entitlement of 8: 12 rejections are free, 3 more are not.
  const over = tenant('alpha', { offered: 20, entitlement: 8, rejected: 15 });
  assert.equal(rejectedWithinEntitlement(signals([over])), 3 / 8);
  const under = tenant('alpha', { offered: 20, entitlement: 8, rejected: 12 });
  assert.equal(rejectedWithinEntitlement(signals([under])), 0);
});

test('the observation is [global | slots | mask] with zero padding and mask 0 for absent slots', () => {
  const codec = new ObservationCodec({ slotCount: 4 });
  const { globalDim, slotDim, slotsOffset, maskOffset } = codec.layout;
  assert.equal(globalDim, GLOBAL_FEATURES.length);
  assert.equal(slotDim, TENANT_FEATURES.length + 3);
  assert.equal(codec.size, globalDim + 4 * slotDim + 4);
  const obs = codec.encode(WINDOW, null);
  assert.deepEqual([...obs.subarray(maskOffset)], [1, 1, 1, 0]);
  assert.ok(obs.subarray(slotsOffset + 3 * slotDim, maskOffset).every((x) => x === 0));
  assert.ok(obs.every((x) => x >= -1 && x <= 1));
});

test('slots follow tenant names whatever order the Signals list the tenants in', () => {
  const reversed = signals(
    [C, B, A],
    [API, DB].map((s) => ({ ...s, tenants: [...s.tenants].reverse() })),
  );
  const a = new ObservationCodec().encode(WINDOW, null);
  const b = new ObservationCodec().encode(reversed, null);
  assert.deepEqual(a, b);
});

test('per-tenant features are normalised by the tenant own guarantee, load and SLO', () => {
  const codec = new ObservationCodec({ slotCount: 3 });
  const obs = codec.encode(WINDOW, null);
  const feature = (slot: number, name: string) =>
    obs[
      codec.layout.slotsOffset +
        slot * codec.layout.slotDim +
        TENANT_FEATURES.indexOf(name as never)
    ];
  // alpha offers 20/s against a guarantee of 8/s: log2(2.5) / 6.
  assert.equal(feature(0, 'offered/vs-guarantee'), Math.fround(Math.log2(2.5) / 6));
  assert.equal(feature(0, 'offered/has-guarantee'), 1);
  assert.equal(feature(1, 'offered/has-guarantee'), 0);
  // alpha's worst own queue wait is 0.4 s at db, four times its 0.1 s SLO: log2(4) / 6.
  assert.equal(feature(0, 'services/max-queue-wait-vs-slo'), Math.fround(2 / 6));
  assert.equal(feature(0, 'services/max-utilization'), Math.fround(0.9));
  // beta used 0.15 + 0.05 of the 0.3 CPU seconds spent.
  assert.equal(feature(1, 'services/cpu-share'), Math.fround(0.2 / 0.3));
  // gamma touched no service.
  assert.equal(feature(2, 'services/max-utilization'), 0);
});

test('the previous action is part of each slot, and the offered-rate trend is smoothed', () => {
  const codec = new ObservationCodec({ slotCount: 3, knobs: ['weight'] });
  const offset = codec.layout.slotsOffset + TENANT_FEATURES.length;
  const trend = codec.layout.slotsOffset + TENANT_FEATURES.indexOf('offered/trend');
  assert.equal(codec.encode(WINDOW, null)[trend], 0);
  const doubled = signals([{ ...A, offered: 40 }, B, C], [API, DB]);
  const obs = codec.encode(doubled, Float32Array.of(0.5, -0.25, 0.75));
  assert.equal(obs[offset], 0.5);
  assert.equal(obs[offset + codec.layout.slotDim], -0.25);
  // Recent rate 20/s, now 40/s: log2(2) / 6.
  assert.equal(obs[trend], Math.fround(1 / 6));
  codec.reset();
  assert.equal(codec.encode(doubled, null)[trend], 0);
});

test('an observation codec round-trips through JSON and encodes identically', () => {
  const codec = new ObservationCodec({ slotCount: 5, knobs: ['priority', 'rateLimit'] });
  codec.encode(WINDOW, null);
  const json = JSON.parse(JSON.stringify(codec)) as ObservationCodecJson;
  const copy = ObservationCodec.fromJSON(json);
  assert.deepEqual(copy.toJSON(), codec.toJSON());
  codec.reset();
  const prev = Float32Array.from({ length: 10 }, (_, i) => i / 10 - 0.5);
  assert.deepEqual(copy.encode(WINDOW, prev), codec.encode(WINDOW, prev));
  assert.throws(() => ObservationCodec.fromJSON({ kind: 'x' } as never), InvalidArgumentError);
});

test('an action codec round-trips through JSON and decodes identically', () => {
  const codec = new ActionCodec({
    slotCount: 3,
    knobs: [
      'queueDelayThreshold',
      'rateLimit',
      'weight',
      'priority',
      'concurrencyLimit',
      'admitProbability',
    ],
    admissionServices: ['api'],
  });
  const copy = ActionCodec.fromJSON(JSON.parse(JSON.stringify(codec)) as ActionCodecJson);
  const action = Float32Array.from({ length: 18 }, (_, i) => Math.sin(i));
  assert.deepEqual(copy.decode(action, WINDOW, 7), codec.decode(action, WINDOW, 7));
  assert.deepEqual(copy.toJSON(), codec.toJSON());
});

test('the action codec maps each knob as documented', () => {
  const codec = new ActionCodec({
    slotCount: 3,
    knobs: ['rateLimit', 'weight', 'priority', 'concurrencyLimit', 'queueDelayThreshold'],
  });
  const a = 0.5;
  const d = codec.decode(new Float32Array(15).fill(a), WINDOW, 1);
  const alpha = d.tenants?.['alpha'];
  // alpha offered 20 requests in a 1 s window.
  const rate = 20 * 2 * Math.pow(32, a);
  assert.deepEqual(alpha?.rateLimit, { ratePerSecond: rate, burst: rate });
  assert.equal(alpha?.weight, 2 * Math.pow(8, a));
  assert.equal(alpha?.priority, 1);
  assert.equal(alpha?.concurrencyLimit, Math.ceil(20 * 0.1 * 2 * Math.pow(4, a)));
  assert.equal(alpha?.queueDelayThreshold, 0.1 * Math.pow(4, a));
  // gamma offered nothing: its rate limit scales the 1/s floor.
  assert.equal(d.tenants?.['gamma']?.rateLimit?.ratePerSecond, 2 * Math.pow(32, a));
  assert.equal(d.epoch, 1);
  assert.equal(d.ttlSeconds, 2);
});

test('the admission probability rises from 0.05 to 1 and is set only at admission services', () => {
  assert.equal(admitProbabilityOf(-1), 0.05);
  assert.equal(admitProbabilityOf(1), 1);
  for (let a = -1; a < 1; a += 0.125)
    assert.ok(admitProbabilityOf(a) < admitProbabilityOf(a + 0.125));
  const entry = new ActionCodec({
    slotCount: 3,
    knobs: ['admitProbability'],
    admissionServices: ['api'],
  });
  const d = entry.decode(Float32Array.of(-1, 0, 1), WINDOW, 1);
  assert.deepEqual(d.services?.['api']?.tenants?.['alpha'], { admitProbability: 0.05 });
  assert.equal(d.tenants?.['alpha']?.admitProbability, undefined);
  const everywhere = new ActionCodec({ slotCount: 3, knobs: ['admitProbability'] });
  assert.equal(
    everywhere.decode(Float32Array.of(-1, 0, 1), WINDOW, 1).tenants?.['gamma']?.admitProbability,
    1,
  );
});

test('the action codec ignores masked slots', () => {
  const codec = new ActionCodec({ slotCount: 4, knobs: ['weight'] });
  const a = codec.decode(Float32Array.of(0.1, 0.2, 0.3, -1), WINDOW, 1);
  const b = codec.decode(Float32Array.of(0.1, 0.2, 0.3, 1), WINDOW, 1);
  assert.deepEqual(a, b);
  assert.deepEqual(Object.keys(a.tenants ?? {}).sort(), ['alpha', 'beta', 'gamma']);
});

test('the action codec rejects NaN, out-of-range and wrongly sized actions by index and value', () => {
  const codec = new ActionCodec({ slotCount: 2, knobs: ['weight', 'rateLimit'] });
  assert.throws(
    () => codec.decode(Float32Array.of(0, 0, NaN, 0), WINDOW, 1),
    /value NaN at index 2 \(slot 1, knob rateLimit\)/,
  );
  assert.throws(() => codec.decode(Float32Array.of(0, -2, 0, 0), WINDOW, 1), /value -2 at index 1/);
  assert.throws(() => codec.decode(Float32Array.of(0, 0, 0), WINDOW, 1), InvalidActionError);
  assert.throws(() => new ActionCodec({ knobs: ['volume' as never] }), /unknown knob 'volume'/);
});

test('feature ranges accumulate the min and max of every feature and merge', () => {
  const codec = new ObservationCodec({ slotCount: 3 });
  codec.encode(WINDOW, null);
  const ranges = codec.ranges.toJSON();
  const util = ranges.names.indexOf('services/max-utilization', GLOBAL_FEATURES.length);
  // Per-tenant features range over the active slots: gamma 0, alpha and beta 0.9.
  assert.equal(ranges.min[util], 0);
  assert.equal(ranges.max[util], Math.fround(0.9));
  assert.equal(ranges.count[util], 3);
  const merged = FeatureRanges.fromJSON(ranges);
  const other = new FeatureRanges(ranges.names);
  other.observe(util, 5);
  merged.merge(other);
  assert.equal(merged.toJSON().max[util], 5);
  assert.equal(new FeatureRanges(['x']).toJSON().min[0], null);
});
