import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadId } from 'node:worker_threads';
import { RngStream } from '../../sim-cluster/rng.js';
import { InvalidActionError } from '../../sim-cluster/errors.js';
import { AsyncVectorEnv, SyncVectorEnv, makeVec } from '../../env/index.js';
import type { VectorEnv } from '../../env/index.js';
import './fixtures/counter-env.js';
import './fixtures/limits-env.js';

/** Observations, rewards and flags of a seeded 200-step run with seeded random actions. */
async function trajectory(envs: VectorEnv, seed: number): Promise<number[]> {
  const rng = new RngStream(seed, 'actions');
  const trace: number[] = [...(await envs.reset({ seed })).observations];
  for (let t = 0; t < 200; t++) {
    const actions = Int32Array.from({ length: envs.numEnvs }, () => rng.nextInt(2));
    const r = await envs.step(actions);
    trace.push(...r.observations, ...r.rewards, ...r.terminated, ...r.truncated);
  }
  await envs.close();
  return trace;
}

test('async and sync vector envs give identical 200-step CartPole trajectories', async () => {
  const sync = await trajectory(SyncVectorEnv.make('CartPole-v1', 8), 11);
  const oneEach = await trajectory(
    await AsyncVectorEnv.create({ id: 'CartPole-v1', numEnvs: 8, numWorkers: 8 }),
    11,
  );
  const twoWorkers = await trajectory(
    await AsyncVectorEnv.create({ id: 'CartPole-v1', numEnvs: 8, numWorkers: 2 }),
    11,
  );
  const threeWorkers = await trajectory(
    await AsyncVectorEnv.create({ id: 'CartPole-v1', numEnvs: 8, numWorkers: 3 }),
    11,
  );
  const polling = await trajectory(
    await AsyncVectorEnv.create({
      id: 'CartPole-v1',
      numEnvs: 8,
      numWorkers: 2,
      spinChecks: 100_000,
    }),
    11,
  );
  assert.deepEqual(oneEach, sync);
  assert.deepEqual(twoWorkers, sync);
  assert.deepEqual(threeWorkers, sync);
  assert.deepEqual(polling, sync);
});

test('with callerSteps the trajectories are the sync env’s, whatever the threads', async () => {
  const sync = await trajectory(SyncVectorEnv.make('CartPole-v1', 8), 13);
  for (const numWorkers of [1, 2, 3]) {
    const envs = await AsyncVectorEnv.create({
      id: 'CartPole-v1',
      numEnvs: 8,
      numWorkers,
      callerSteps: true,
    });
    assert.deepEqual(await trajectory(envs, 13), sync, `${numWorkers} stepping threads`);
  }
});

test('with callerSteps the calling thread steps the first slice and workers the rest', async () => {
  const envs = await AsyncVectorEnv.create({
    id: 'test/Limits-v0',
    numEnvs: 5,
    numWorkers: 3,
    callerSteps: true,
  });
  try {
    const ids = (await envs.reset({ seed: 0 })).infos.map((i) => i.threadId as number);
    assert.deepEqual(ids.slice(0, 2), [threadId, threadId], 'slice 0: sub-envs 0 and 1');
    assert.equal(ids[2], ids[3], 'slice 1: sub-envs 2 and 3');
    assert.equal(new Set(ids).size, 3, 'three threads, two of them workers');
  } finally {
    await envs.close();
  }
});

test('with callerSteps a bad action raises InvalidActionError naming its sub-env, in either thread', async () => {
  const envs = await AsyncVectorEnv.create({
    id: 'CartPole-v1',
    numEnvs: 2,
    numWorkers: 2,
    callerSteps: true,
  });
  try {
    await envs.reset({ seed: 0 });
    for (const [actions, bad] of [
      [Int32Array.of(7, 0), 0],
      [Int32Array.of(0, 7), 1],
    ] as const)
      await assert.rejects(
        envs.step(actions),
        (e: unknown) => e instanceof InvalidActionError && e.message.includes(`sub-env ${bad}`),
      );
    const r = await envs.step(Int32Array.of(0, 1));
    assert.deepEqual(Array.from(r.rewards), [1, 1], 'the env still works after an error');
  } finally {
    await envs.close();
  }
});

test('the same seed gives the same async trajectory twice', async () => {
  const a = await trajectory(
    await AsyncVectorEnv.create({ id: 'CartPole-v1', numEnvs: 4, numWorkers: 2 }),
    5,
  );
  const b = await trajectory(
    await AsyncVectorEnv.create({ id: 'CartPole-v1', numEnvs: 4, numWorkers: 2 }),
    5,
  );
  assert.deepEqual(a, b);
});

for (const callerSteps of [false, true])
  test(`workers build envs registered by a module they import; infos and next-step autoreset in sub-env order (callerSteps ${callerSteps})`, async () => {
    const envs = await makeVec('test/Counter-v0', {
      numEnvs: 3,
      vectorizationMode: 'async',
      numWorkers: 2,
      callerSteps,
      makeOptions: { options: { episodeLength: 2 } },
    });
    try {
      assert.equal(envs.obsDim, 3);
      const reset = await envs.reset({ seed: 1 });
      assert.ok(reset.observations instanceof Float64Array);
      assert.equal(reset.infos.length, 3);
      const r1 = await envs.step(Int32Array.of(0, 1, 2));
      assert.deepEqual(Array.from(r1.observations.filter((_, i) => i % 3 === 1)), [0, 1, 2]);
      assert.deepEqual(Array.from(r1.rewards), [1, 1, 1]);
      assert.deepEqual(r1.infos, [{ t: 1 }, { t: 1 }, { t: 1 }]);
      const r2 = await envs.step(Int32Array.of(0, 1, 2));
      assert.deepEqual(Array.from(r2.terminated), [1, 1, 1]);
      // next-step autoreset: reward 0 and the reset info on the following step.
      const r3 = await envs.step(Int32Array.of(0, 0, 0));
      assert.deepEqual(Array.from(r3.rewards), [0, 0, 0]);
      assert.deepEqual(r3.infos, [{ resetAt: 0 }, { resetAt: 0 }, { resetAt: 0 }]);
    } finally {
      await envs.close();
    }
  });

for (const callerSteps of [false, true])
  test(`a step’s infos are fetched from the workers once, and only until the next step (callerSteps ${callerSteps})`, async () => {
    const envs = await makeVec('test/Counter-v0', {
      numEnvs: 3,
      vectorizationMode: 'async',
      numWorkers: 2,
      callerSteps,
      makeOptions: { options: { episodeLength: 5 } },
    });
    try {
      await envs.reset({ seed: 1 });
      const read = await envs.step(Int32Array.of(0, 1, 2));
      const first = read.infos;
      assert.deepEqual(first, [{ t: 1 }, { t: 1 }, { t: 1 }]);
      const unread = await envs.step(Int32Array.of(0, 1, 2));
      assert.equal(read.infos, first, 'infos read once stay readable');
      const third = await envs.step(Int32Array.of(0, 1, 2));
      assert.throws(() => unread.infos, /read them before the next step/);
      assert.deepEqual(third.infos, [{ t: 3 }, { t: 3 }, { t: 3 }]);
    } finally {
      await envs.close();
    }
  });

test('same-step autoreset in workers reports the final observation in info', async () => {
  const envs = await AsyncVectorEnv.create({
    id: 'test/Counter-v0',
    numEnvs: 2,
    numWorkers: 2,
    autoresetMode: 'same-step',
    makeOptions: { options: { episodeLength: 1 } },
  });
  try {
    await envs.reset({ seed: 0 });
    const r = await envs.step(Int32Array.of(2, 1));
    assert.deepEqual(Array.from(r.terminated), [1, 1]);
    assert.equal((r.infos[0]?.finalObservation as Float64Array)[1], 2);
    assert.deepEqual(r.infos[1]?.finalInfo, { t: 1 });
    assert.equal(r.observations[0], 0, 'the returned observation is the reset one');
  } finally {
    await envs.close();
  }
});

test('a bad action in a worker raises InvalidActionError naming the sub-env', async () => {
  const envs = await AsyncVectorEnv.create({ id: 'CartPole-v1', numEnvs: 2, numWorkers: 2 });
  try {
    await envs.reset({ seed: 0 });
    await assert.rejects(
      envs.step(Int32Array.of(0, 7)),
      (e: unknown) => e instanceof InvalidActionError && /sub-env 1/.test(e.message),
    );
    await assert.rejects(envs.step(Int32Array.of(0)), InvalidActionError);
    assert.equal(
      (await envs.step(Int32Array.of(0, 1))).rewards[1],
      1,
      'the env still works after an error',
    );
  } finally {
    await envs.close();
  }
});

test('a negative or fractional spinChecks is refused before any worker starts', async () => {
  for (const spinChecks of [-1, 0.5])
    await assert.rejects(
      AsyncVectorEnv.create({ id: 'CartPole-v1', numEnvs: 2, spinChecks }),
      /spinChecks must be a non-negative integer/,
    );
});

test('an unknown id fails creation and leaves no worker running', async () => {
  await assert.rejects(
    AsyncVectorEnv.create({ id: 'Nope-v0', numEnvs: 1 }),
    /no env registered as Nope-v0/,
  );
});

test('close is idempotent and later calls are refused', async () => {
  const envs = await AsyncVectorEnv.create({ id: 'Pendulum-v1', numEnvs: 2, numWorkers: 1 });
  await envs.close();
  await envs.close();
  await assert.rejects(envs.reset(), /closed/);
});

test('an id registered only in the main thread fails with a message from the worker', async () => {
  const { register, unregister, CartPoleEnv } = await import('../../env/index.js');
  register('test/MainOnly-v0', { factory: () => new CartPoleEnv() });
  try {
    await assert.rejects(
      AsyncVectorEnv.create({ id: 'test/MainOnly-v0', numEnvs: 2, numWorkers: 2 }),
      /no env registered as test\/MainOnly-v0/,
    );
  } finally {
    unregister('test/MainOnly-v0');
  }
});

test('workers get the resource limits asked for', async () => {
  const envs = await AsyncVectorEnv.create({
    id: 'test/Limits-v0',
    numEnvs: 2,
    numWorkers: 2,
    resourceLimits: { maxYoungGenerationSizeMb: 72 },
  });
  try {
    const { infos } = await envs.reset({ seed: 0 });
    assert.deepEqual(
      infos.map((i) => i.youngGenerationMb),
      [72, 72],
    );
  } finally {
    await envs.close();
  }
});
