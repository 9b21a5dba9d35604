import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RngStream } from '../../sim-cluster/rng.js';
import {
  InvalidActionError,
  InvalidArgumentError,
  ResetNeededError,
} from '../../sim-cluster/errors.js';
import {
  AsyncVectorEnv,
  ClusterEnv,
  SyncVectorEnv,
  checkEnv,
  make,
  windowScore,
} from '../../env/index.js';
import type { ClusterEnvOptions, ClusterInfo, Env, VectorEnv } from '../../env/index.js';
import { SMALL_CLUSTER, SMALL_CLUSTER_3 } from './fixtures/small-cluster.js';

const SMALL: ClusterEnvOptions = { scenario: SMALL_CLUSTER, episodeWindows: 50 };

/** Observations, rewards and flags of a seeded run with seeded random actions. */
function trajectory(env: Env<Float32Array, Float32Array>, seed: number, steps: number): number[] {
  const rng = new RngStream(seed, 'actions');
  const trace = [...env.reset({ seed }).observation];
  for (let t = 0; t < steps; t++) {
    const r = env.step(env.actionSpace.sample(rng));
    trace.push(...r.observation, r.reward, Number(r.terminated), Number(r.truncated));
    if (r.truncated || r.terminated) trace.push(...env.reset().observation);
  }
  return trace;
}

test('two envs with the same seed and actions give identical 200-step trajectories', () => {
  const a = trajectory(new ClusterEnv(SMALL), 3, 200);
  const b = trajectory(new ClusterEnv(SMALL), 3, 200);
  assert.equal(a.length, b.length);
  assert.deepEqual(a, b);
  assert.notDeepEqual(trajectory(new ClusterEnv(SMALL), 4, 20), a.slice(0, a.length / 10));
});

async function vectorTrajectory(envs: VectorEnv, seed: number, steps: number): Promise<number[]> {
  const rng = new RngStream(seed, 'vector-actions');
  const trace = [...(await envs.reset({ seed })).observations];
  const dim = envs.actionDim;
  for (let t = 0; t < steps; t++) {
    const actions = Float64Array.from({ length: envs.numEnvs * dim }, () => 2 * rng.next() - 1);
    const r = await envs.step(actions);
    trace.push(...r.observations, ...r.rewards, ...r.terminated, ...r.truncated);
  }
  await envs.close();
  return trace;
}

test('sync and async vector envs give identical 200-step ClusterEnv trajectories', async () => {
  const makeOptions = { options: { ...SMALL }, maxEpisodeSteps: 50 };
  const sync = await vectorTrajectory(
    SyncVectorEnv.make('governor/Cluster-v0', 3, { makeOptions }),
    9,
    200,
  );
  const async = await vectorTrajectory(
    await AsyncVectorEnv.create({
      id: 'governor/Cluster-v0',
      numEnvs: 3,
      numWorkers: 2,
      makeOptions,
    }),
    9,
    200,
  );
  assert.deepEqual(async, sync);
});

test('ClusterEnv passes the env checker', () => {
  checkEnv(() => make('governor/Cluster-v0', { options: { ...SMALL }, maxEpisodeSteps: 50 }), {
    name: 'governor/Cluster-v0',
    steps: 120,
  });
});

test('a NaN action raises InvalidActionError naming its index', () => {
  const env = new ClusterEnv(SMALL);
  env.reset({ seed: 0 });
  const action = env.actionSpace.allocate();
  action[4] = NaN;
  assert.throws(
    () => env.step(action),
    (e: unknown) => {
      assert.ok(e instanceof InvalidActionError);
      assert.match(e.message, /index 4 is NaN/);
      return true;
    },
  );
});

test('an out-of-bounds action raises InvalidActionError naming its index and value', () => {
  const env = new ClusterEnv(SMALL);
  env.reset({ seed: 0 });
  const action = env.actionSpace.allocate();
  action[7] = 1.5;
  assert.throws(() => env.step(action), /value 1\.5 at index 7 is above the upper bound 1/);
});

test('a wrongly shaped action raises InvalidActionError naming the expected length', () => {
  const env = new ClusterEnv(SMALL);
  env.reset({ seed: 0 });
  const size = env.actionSpace.size;
  assert.throws(
    () => env.step(new Float32Array(size - 1)),
    (e: unknown) => e instanceof InvalidActionError && e.message.includes(`length ${size}`),
  );
  assert.throws(() => env.step([0, 0] as unknown as Float32Array), InvalidActionError);
});

test('stepping before reset or after the episode ended raises ResetNeededError', () => {
  const env = new ClusterEnv({ ...SMALL, episodeWindows: 2 });
  const action = env.actionSpace.allocate();
  assert.throws(() => env.step(action), ResetNeededError);
  env.reset({ seed: 1 });
  assert.equal(env.step(action).truncated, false);
  const last = env.step(action);
  assert.equal(last.truncated, true);
  assert.equal(last.terminated, false);
  assert.throws(() => env.step(action), ResetNeededError);
  env.reset();
  assert.equal(env.step(action).truncated, false);
});

test('one step advances the simulation by one control window', () => {
  const env = new ClusterEnv({ ...SMALL, controlInterval: 0.25, warmupWindows: 2 });
  const reset = env.reset({ seed: 2 });
  assert.equal(reset.info.window, 1);
  assert.ok(Math.abs(reset.info.timeSeconds - 0.5) < 1e-9);
  const r = env.step(env.actionSpace.allocate());
  assert.equal(r.info.window, 2);
  assert.ok(Math.abs(r.info.timeSeconds - 0.75) < 1e-9);
  assert.equal(env.metadata.dtSeconds, 0.25);
});

test('the reward is the window score, and shaping subtracts rejections within entitlement', () => {
  const plain = new ClusterEnv(SMALL);
  const shaped = new ClusterEnv({ ...SMALL, rejectPenalty: 0.5 });
  plain.reset({ seed: 5 });
  shaped.reset({ seed: 5 });
  // Throttle every tenant hard, so some entitled requests are turned away.
  const action = plain.actionSpace.allocate().fill(-1);
  for (let t = 0; t < 5; t++) {
    const a = plain.step(action);
    const b = shaped.step(action);
    assert.equal(a.reward, a.info.score);
    assert.equal(b.info.score, a.info.score);
    assert.ok(b.reward <= a.reward);
    const scores = a.info.tenantScores;
    const gold = scores['gold'] ?? 1;
    const bronze = scores['bronze'] ?? 1;
    // Weights 3 (gold) and 1 (bronze) from the scenario.
    if (scores['gold'] !== null && scores['bronze'] !== null)
      assert.ok(Math.abs(a.info.score - (3 * gold + bronze) / 4) < 1e-12);
  }
});

test('info carries the decision applied, per-tenant scores and the window', () => {
  const env = new ClusterEnv(SMALL);
  const reset = env.reset({ seed: 6 });
  assert.equal(reset.info.decision, null);
  const r = env.step(env.actionSpace.allocate());
  const info: ClusterInfo = r.info;
  assert.deepEqual(Object.keys(info.decision?.tenants ?? {}).sort(), ['bronze', 'gold']);
  assert.equal(info.decision?.epoch, 1);
  assert.deepEqual(Object.keys(info.tenantScores).sort(), ['bronze', 'gold']);
  assert.equal(info.scenario, 'small-cluster');
  assert.ok(info.score >= 0 && info.score <= 1);
});

test('a scenario with more tenants than maxTenants is refused', () => {
  assert.throws(
    () => new ClusterEnv({ scenario: SMALL_CLUSTER_3, maxTenants: 2 }).reset({ seed: 0 }),
    (e: unknown) =>
      e instanceof InvalidArgumentError && /3 tenants.*maxTenants = 2/.test(e.message),
  );
});

test('a family draws a member per episode unless familySeed pins one', () => {
  const family = new ClusterEnv({ episodeWindows: 5 });
  const members = new Set<string>();
  family.reset({ seed: 0 });
  for (let i = 0; i < 4; i++) members.add(family.reset().info.scenario);
  assert.ok(members.size > 1, [...members].join(', '));
  assert.ok([...members].every((m) => m.startsWith('cluster-train#')));
  const pinned = new ClusterEnv({ episodeWindows: 5, familySeed: 42 });
  assert.equal(pinned.reset({ seed: 0 }).info.scenario, 'cluster-train#42');
  assert.equal(pinned.reset({ seed: 1 }).info.scenario, 'cluster-train#42');
});

test('the reset observation matches the score of the Signals it encodes', () => {
  const env = new ClusterEnv(SMALL);
  const { observation, info } = env.reset({ seed: 8 });
  // Global feature 6 is the window score (float32).
  assert.equal(observation[6], Math.fround(info.score));
  assert.equal(typeof windowScore, 'function');
});
