import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterEnv, windowScore, type ClusterInfo } from '../../env/index.js';
import {
  createComposedPolicy,
  policyRng,
  simulateWithPolicy,
  type BaseSpec,
  type Decision,
  type Signals,
} from '../../policies/index.js';
import { ActionCodec } from '../../env/cluster/action-codec.js';
import { RngStream } from '../../sim-cluster/rng.js';
import { SMALL_CLUSTER } from './fixtures/small-cluster.js';

const WINDOWS = 40;
const WARMUP = 3;

/** Every window's Signals and the decision taken on them, from `simulateWithPolicy`. */
function baseRun(base: BaseSpec, seed: number, interval: number) {
  const signals: Signals[] = [];
  const decisions: Decision[] = [];
  simulateWithPolicy(
    { ...SMALL_CLUSTER, warmup: 0, duration: (WARMUP + WINDOWS + 1) * interval },
    createComposedPolicy(base, { rng: policyRng(seed) }),
    {
      seed,
      observe: (s, d) => {
        signals.push(s);
        decisions.push(d);
      },
    },
  );
  return { signals, decisions };
}

for (const base of [
  { policy: 'breakwater' },
  [{ policy: 'retro-drf' }, { policy: 'breakwater' }],
] as BaseSpec[]) {
  test(`with a zero action the env runs exactly as simulateWithPolicy(${JSON.stringify(base)})`, () => {
    const env = new ClusterEnv({
      scenario: SMALL_CLUSTER,
      episodeWindows: WINDOWS,
      warmupWindows: WARMUP,
      base,
    });
    // The simulation seed the env draws first from its episode stream (cluster-env.ts).
    const simSeed = new RngStream(5, 'cluster-env/episodes').nextInt(2 ** 31);
    const expected = baseRun(base, simSeed, env.scenarios.controlIntervalSeconds);
    const zero = new Float32Array(env.actionSpace.shape[0]!);
    assert.equal(env.reset({ seed: 5 }).info.window, WARMUP - 1);
    let rateLimits = 0;
    let concurrencyLimits = 0;
    for (let t = 0; t < WINDOWS; t++) {
      const info = env.step(zero).info as ClusterInfo;
      const w = info.window;
      assert.equal(w, WARMUP + t);
      assert.deepEqual(info.decision, expected.decisions[w - 1], `decision after window ${w - 1}`);
      const { score, tenantScores } = windowScore(expected.signals[w]!);
      assert.equal(info.score, score, `score of window ${w}`);
      assert.deepEqual(info.tenantScores, tenantScores);
      for (const d of Object.values(info.decision!.tenants ?? {})) if (d.rateLimit) rateLimits++;
      for (const s of Object.values(info.decision!.services ?? {}))
        if (s.concurrencyLimit !== undefined) concurrencyLimits++;
    }
    // The base really acts on this overloaded cluster: Breakwater's credit pools, and
    // Retro DRF's per-tenant rate limits in the composition.
    assert.ok(concurrencyLimits > 0);
    if (Array.isArray(base)) assert.ok(rateLimits > 0, 'the composition sets rate limits');
  });
}

test('decodeResidual: a = 0 keeps the base; otherwise rate × 32^a, weight × 8^a, admit × 20^a', () => {
  const { signals } = baseRun({ policy: 'none' }, 1, 0.1);
  const window = signals[10]!;
  const codec = new ActionCodec({ slotCount: 3, admissionServices: ['front'] });
  const base: Decision = {
    epoch: 11,
    ttlSeconds: 0.3,
    tenants: { gold: { rateLimit: { ratePerSecond: 40, burst: 4 } } },
    services: { store: { concurrencyLimit: 3 } },
  };
  const zero = new Float32Array(codec.actionSize);
  assert.equal(codec.decodeResidual(zero, window, base), base);
  // Slots by name: bronze 0, gold 1; knobs rateLimit, weight, admitProbability.
  const action = Float32Array.from([-0.5, 0.5, -1, -0.2, 0, 0.3, 0.9, 0.9, 0.9]);
  const d = codec.decodeResidual(action, window, base);
  const bronze = window.tenants.find((t) => t.name === 'bronze')!;
  const offered = bronze.offered / (window.endSeconds - window.startSeconds);
  // bronze had no base limit: a < 0 sets offered × 2 × 32^a, as `decode` does.
  assert.ok(
    Math.abs(d.tenants!.bronze!.rateLimit!.ratePerSecond - offered * 2 * 32 ** -0.5) < 1e-9,
  );
  assert.ok(Math.abs(d.tenants!.bronze!.weight! - bronze.weight * Math.sqrt(8)) < 1e-9);
  // gold's base bucket scaled by 32^-0.2 (rate and burst), its weight untouched (a = 0).
  const f = 32 ** Math.fround(-0.2);
  assert.ok(Math.abs(d.tenants!.gold!.rateLimit!.ratePerSecond - 40 * f) < 1e-9);
  assert.ok(Math.abs(d.tenants!.gold!.rateLimit!.burst - 4 * f) < 1e-9);
  assert.equal(d.tenants!.gold!.weight, undefined);
  // admit: bronze sheds to 1/20 at the entry service, gold (a > 0) cannot go above 1.
  assert.equal(d.services!.front!.tenants!.bronze!.admitProbability, 1 / 20);
  assert.equal(d.services!.front!.tenants!.gold, undefined);
  // The base's service knobs stay; the slot without a tenant is ignored.
  assert.deepEqual(d.services!.store, { concurrencyLimit: 3 });
  assert.equal(Object.keys(d.tenants!).length, 2);
  assert.equal(d.epoch, 11);
});

test('decodeResidual with residualRateBase 4, residualWeightBase 2: a = 0 keeps the base, a scales by 4^a and 2^a', () => {
  const { signals } = baseRun({ policy: 'none' }, 1, 0.1);
  const window = signals[10]!;
  const codec = new ActionCodec({
    slotCount: 3,
    knobs: ['rateLimit', 'weight'],
    residualRateBase: 4,
    residualWeightBase: 2,
  });
  const base: Decision = {
    epoch: 11,
    ttlSeconds: 0.3,
    tenants: {
      bronze: { rateLimit: { ratePerSecond: 10, burst: 2 }, weight: 0.5 },
      gold: { rateLimit: { ratePerSecond: 40, burst: 4 } },
    },
  };
  assert.equal(codec.decodeResidual(new Float32Array(codec.actionSize), window, base), base);
  // Slots by name: bronze 0, gold 1; knobs rateLimit, weight. The extremes are bounded.
  const d = codec.decodeResidual(Float32Array.from([1, -1, -1, 1, 0, 0]), window, base);
  assert.deepEqual(d.tenants!.bronze!.rateLimit, { ratePerSecond: 40, burst: 8 });
  assert.equal(d.tenants!.bronze!.weight, 0.25);
  assert.deepEqual(d.tenants!.gold!.rateLimit, { ratePerSecond: 10, burst: 1 });
  const gold = window.tenants.find((t) => t.name === 'gold')!;
  assert.equal(d.tenants!.gold!.weight, gold.weight * 2);
  // The bases travel with the codec; a codec written before they existed decodes as
  // it was trained (× 32^a, × 8^a).
  const copy = ActionCodec.fromJSON(JSON.parse(JSON.stringify(codec)));
  assert.deepEqual(copy.decodeResidual(Float32Array.from([1, -1, -1, 1, 0, 0]), window, base), d);
  const { residualRateBase, residualRateUpBase, residualWeightBase, ...old } = codec.toJSON();
  assert.deepEqual([residualRateBase, residualRateUpBase, residualWeightBase], [4, 4, 2]);
  const legacy = ActionCodec.fromJSON(old as never);
  assert.deepEqual(
    [
      legacy.params.residualRateBase,
      legacy.params.residualRateUpBase,
      legacy.params.residualWeightBase,
    ],
    [32, 32, 8],
  );
  // residualRateUpBase 1: rate corrections only tighten (a > 0 keeps the base's limit).
  const tighten = new ActionCodec({
    slotCount: 3,
    knobs: ['rateLimit', 'weight'],
    residualRateBase: 4,
    residualRateUpBase: 1,
    residualWeightBase: 2,
  });
  const t = tighten.decodeResidual(Float32Array.from([1, 0, -1, 0, 0, 0]), window, base);
  assert.equal(t.tenants!.bronze, base.tenants!.bronze);
  assert.deepEqual(t.tenants!.gold!.rateLimit, { ratePerSecond: 10, burst: 1 });
  assert.equal(tighten.decodeResidual(Float32Array.from([1, 0, 0.5, 0, 0, 0]), window, base), base);
  assert.equal(codec.params.residualRateUpBase, 4, 'defaults to residualRateBase');
  assert.throws(
    () => new ActionCodec({ residualRateUpBase: 0.5 }),
    /residualRateUpBase must be a finite number >= 1, got 0.5/,
  );
  assert.throws(
    () => new ActionCodec({ residualRateBase: 1 }),
    /residualRateBase must be a finite number > 1, got 1/,
  );
  assert.throws(
    () => new ActionCodec({ residualWeightBase: NaN }),
    /residualWeightBase .* got NaN/,
  );
});

const COMPOSED: BaseSpec = [{ policy: 'retro-drf' }, { policy: 'breakwater' }];

/** A fixed correction: tighten every slot's rate limit, raise its weight. */
function correction(env: ClusterEnv): Float32Array {
  return new Float32Array(env.actionSpace.shape[0]!).map((_, i) => (i % 2 === 0 ? -0.7 : 0.5));
}

test('with baseRelativeReward a zero action earns exactly 0 every window', () => {
  const env = new ClusterEnv({
    scenario: SMALL_CLUSTER,
    episodeWindows: WINDOWS,
    warmupWindows: WARMUP,
    base: COMPOSED,
    baseRelativeReward: true,
  });
  const zero = new Float32Array(env.actionSpace.shape[0]!);
  env.reset({ seed: 5 });
  let scored = 0;
  for (let t = 0; t < WINDOWS; t++) {
    const r = env.step(zero);
    assert.equal(r.reward, 0);
    scored += r.info.score;
  }
  assert.ok(scored > 0);
});

test('with baseRelativeReward the reward is the score minus the base-alone run’s, window by window', () => {
  const options = {
    scenario: SMALL_CLUSTER,
    episodeWindows: WINDOWS,
    warmupWindows: WARMUP,
    base: COMPOSED,
  };
  const relative = new ClusterEnv({ ...options, baseRelativeReward: true });
  const plain = new ClusterEnv(options);
  const alone = new ClusterEnv(options);
  const action = correction(relative);
  const zero = new Float32Array(action.length);
  for (const env of [relative, plain, alone]) env.reset({ seed: 7 });
  let differing = 0;
  for (let t = 0; t < WINDOWS; t++) {
    const r = relative.step(action);
    const p = plain.step(action);
    const b = alone.step(zero);
    assert.equal(r.info.score, p.info.score);
    assert.equal(r.reward, p.reward - b.reward);
    if (r.reward !== 0) differing++;
  }
  // The correction changes the run: the rewards are not all zero.
  assert.ok(differing > 0, 'the correction never changed a window score');
});

test('baseRelativeReward without a base is refused', () => {
  assert.throws(
    () => new ClusterEnv({ scenario: SMALL_CLUSTER, baseRelativeReward: true }),
    /baseRelativeReward needs a base/,
  );
});
