import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import { BASE_FEATURES, ClusterEnv, ObservationCodec, TENANT_FEATURES } from '../../env/index.js';
import type { Decision } from '../../sim-cluster/enforcement.js';
import { signals, tenant } from './fixtures/cluster-signals.js';

// A 1-second window: alpha offers 20/s with a guarantee of 8/s, beta 40/s without one,
// gamma 10/s with a guarantee of 5/s.
const A = tenant('alpha', { guaranteedRate: 8, offered: 20, entitlement: 8 });
const B = tenant('beta', { offered: 40, entitlement: 40 });
const C = tenant('gamma', { guaranteedRate: 5, offered: 10, entitlement: 5 });
const WINDOW = signals([A, B, C]);
const BASE: Decision = {
  epoch: 1,
  ttlSeconds: 3,
  tenants: {
    alpha: { rateLimit: { ratePerSecond: 16, burst: 16 } },
    beta: { rateLimit: { ratePerSecond: 5, burst: 5 } },
    gamma: { weight: 2 },
  },
};
const log2by6 = (x: number) => Math.max(-1, Math.min(1, Math.log2(x) / 6));

test('base features: the base limit against the offered rate and the guarantee, by hand', () => {
  const codec = new ObservationCodec({ slotCount: 4, baseFeatures: true });
  assert.equal(codec.layout.slotDim, TENANT_FEATURES.length + BASE_FEATURES.length + 3);
  assert.deepEqual(
    codec.featureNames().slot.slice(TENANT_FEATURES.length, TENANT_FEATURES.length + 3),
    [...BASE_FEATURES],
  );
  const obs = codec.encode(WINDOW, null, BASE);
  const { slotsOffset, slotDim } = codec.layout;
  const feature = (slot: number, j: number) =>
    obs[slotsOffset + slot * slotDim + TENANT_FEATURES.length + j]!;
  // alpha: limited at 16/s, offered 20/s, guarantee 8/s.
  assert.deepEqual(
    [0, 1, 2].map((j) => feature(0, j)),
    [1, Math.fround(log2by6(16 / 20)), Math.fround(log2by6(16 / 8))],
  );
  // beta: limited at 5/s, offered 40/s, no guarantee (0, as offered/vs-guarantee has).
  assert.deepEqual(
    [0, 1, 2].map((j) => feature(1, j)),
    [1, Math.fround(log2by6(5 / 40)), 0],
  );
  // gamma: no limit from the base: the top of both ratios.
  assert.deepEqual(
    [0, 1, 2].map((j) => feature(2, j)),
    [0, 1, 1],
  );
  // The previous action follows the base features.
  const withAction = codec.encode(WINDOW, new Float32Array(12).fill(0.5), BASE);
  assert.equal(withAction[slotsOffset + TENANT_FEATURES.length + BASE_FEATURES.length], 0.5);
});

test('base features: needed when the codec observes the base, round-trip through JSON', () => {
  const codec = new ObservationCodec({ slotCount: 4, baseFeatures: true });
  assert.throws(() => codec.encode(WINDOW, null), InvalidArgumentError);
  const copy = ObservationCodec.fromJSON(JSON.parse(JSON.stringify(codec.toJSON())));
  assert.deepEqual(copy.encode(WINDOW, null, BASE), codec.encode(WINDOW, null, BASE));
  // Without the option, nothing changes (old bundles): no key, the old layout, base ignored.
  const plain = new ObservationCodec({ slotCount: 4 });
  assert.equal('baseFeatures' in plain.toJSON(), false);
  assert.deepEqual(plain.encode(WINDOW, null, BASE), plain.encode(WINDOW, null));
  assert.throws(
    () => new ObservationCodec({ baseFeatures: 'yes' as unknown as boolean }),
    /baseFeatures must be true or false/,
  );
});

const RESIDUAL = {
  scenario: 'cluster-train',
  base: [{ policy: 'retro-drf' }, { policy: 'breakwater' }],
  episodeWindows: 30,
  warmupWindows: 3,
  knobs: ['rateLimit', 'weight'] as const,
};

test('observeBase: the same simulation as without it, and the observation shows the base decision', () => {
  const plain = new ClusterEnv({ ...RESIDUAL, knobs: [...RESIDUAL.knobs] });
  const seeing = new ClusterEnv({ ...RESIDUAL, knobs: [...RESIDUAL.knobs], observeBase: true });
  assert.equal(
    seeing.observationCodec.layout.slotDim,
    plain.observationCodec.layout.slotDim + BASE_FEATURES.length,
  );
  // A second codec fed the same windows (encode keeps each tenant's smoothed rate).
  const mirror = new ObservationCodec({
    slotCount: 8,
    knobs: ['rateLimit', 'weight'],
    baseFeatures: true,
  });
  plain.reset({ seed: 5 });
  const first = seeing.reset({ seed: 5 });
  const width = plain.actionSpace.shape[0]!;
  const action = new Float32Array(width);
  let observation = first.observation;
  for (let step = 0; step < 30; step++) {
    // The observation holds the features of the decision the next step corrects.
    const expected = mirror.encode(
      seeing.lastSignals!,
      step === 0 ? null : action,
      seeing.pendingBaseDecision,
    );
    assert.deepEqual(observation, expected);
    for (let i = 0; i < width; i++) action[i] = Math.sin(step * 7 + i) * 0.8;
    const a = plain.step(action);
    const b = seeing.step(action);
    assert.equal(b.reward, a.reward);
    assert.deepEqual(b.info.decision, a.info.decision);
    observation = b.observation;
  }
  assert.throws(
    () => new ClusterEnv({ scenario: 'cluster-train', observeBase: true }),
    /observeBase needs a base/,
  );
});
