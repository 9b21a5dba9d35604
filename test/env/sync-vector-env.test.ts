import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RngStream } from '../../sim-cluster/rng.js';
import { InvalidActionError } from '../../sim-cluster/errors.js';
import { CartPoleEnv, SyncVectorEnv, make } from '../../env/index.js';

test('reset seeds sub-env i with seed + i', () => {
  const envs = SyncVectorEnv.make('CartPole-v1', 3);
  const { observations } = envs.resetSync({ seed: 10 });
  for (let i = 0; i < 3; i++) {
    const single = make<Float32Array, number>('CartPole-v1').reset({ seed: 10 + i }).observation;
    assert.deepEqual(observations.subarray(i * 4, i * 4 + 4), single);
  }
});

test('batched buffers have the documented types and sizes', () => {
  const envs = SyncVectorEnv.make('Pendulum-v1', 4);
  const r0 = envs.resetSync({ seed: 0 });
  assert.ok(r0.observations instanceof Float32Array);
  assert.equal(r0.observations.length, 4 * 3);
  const r = envs.stepSync(new Float32Array(4));
  assert.ok(r.rewards instanceof Float64Array && r.rewards.length === 4);
  assert.ok(r.terminated instanceof Uint8Array && r.truncated instanceof Uint8Array);
  assert.equal(r.infos.length, 4);
  assert.equal(r.observations, r0.observations, 'the observation buffer is reused');
});

test('sub-envs step exactly as independent single envs', () => {
  const envs = SyncVectorEnv.make('Pendulum-v1', 2, { makeOptions: { maxEpisodeSteps: null } });
  envs.resetSync({ seed: 4 });
  const singles = [0, 1].map((i) => {
    const e = make<Float32Array, Float32Array>('Pendulum-v1');
    e.reset({ seed: 4 + i });
    return e;
  });
  const rng = new RngStream(1, 'actions');
  for (let t = 0; t < 50; t++) {
    const actions = Float32Array.of(rng.next() * 4 - 2, rng.next() * 4 - 2);
    const r = envs.stepSync(actions);
    for (const [i, e] of singles.entries()) {
      const s = e.step(actions.subarray(i, i + 1));
      assert.deepEqual(r.observations.subarray(i * 3, i * 3 + 3), s.observation);
      assert.equal(r.rewards[i], s.reward);
    }
  }
});

/** Steps sub-env 0 with action 1 until its episode ends; returns the step count. */
function runToEnd(envs: SyncVectorEnv): number {
  for (let t = 1; t <= 500; t++) {
    if (envs.stepSync(Int32Array.of(1, 1)).terminated[0] === 1) return t;
  }
  throw new Error('no episode ended');
}

test('next-step autoreset returns the reset observation with reward 0 on the following step', () => {
  const envs = SyncVectorEnv.make('CartPole-v1', 2);
  envs.resetSync({ seed: 7 });
  const t = runToEnd(envs);
  // The reference: a fresh CartPole seeded 7, stepped t times, then reset without a seed.
  const ref = new CartPoleEnv();
  ref.reset({ seed: 7 });
  for (let k = 0; k < t; k++) ref.step(1);
  const expected = ref.reset().observation;
  const r = envs.stepSync(Int32Array.of(0, 0));
  assert.deepEqual(r.observations.subarray(0, 4), expected);
  assert.equal(r.rewards[0], 0);
  assert.equal(r.terminated[0], 0);
  assert.equal(r.truncated[0], 0);
  assert.equal(envs.stepSync(Int32Array.of(0, 0)).rewards[0], 1);
});

test('same-step autoreset returns the reset observation and puts the final one in info', () => {
  const envs = SyncVectorEnv.make('CartPole-v1', 2, { autoresetMode: 'same-step' });
  envs.resetSync({ seed: 7 });
  const ref = new CartPoleEnv();
  ref.reset({ seed: 7 });
  for (let t = 1; t <= 500; t++) {
    const refStep = ref.step(1);
    const r = envs.stepSync(Int32Array.of(1, 1));
    if (refStep.terminated) {
      assert.equal(r.terminated[0], 1);
      assert.equal(r.rewards[0], 1);
      assert.deepEqual(r.infos[0]?.finalObservation, refStep.observation);
      assert.deepEqual(r.infos[0]?.finalInfo, {});
      assert.deepEqual(r.observations.subarray(0, 4), ref.reset().observation);
      return;
    }
  }
  assert.fail('no episode ended');
});

test('same seed and actions give identical 200-step trajectories', () => {
  const run = (): number[] => {
    const envs = SyncVectorEnv.make('CartPole-v1', 4);
    const rng = new RngStream(3, 'actions');
    const trace: number[] = [...envs.resetSync({ seed: 99 }).observations];
    for (let t = 0; t < 200; t++) {
      const r = envs.stepSync(Int32Array.from({ length: 4 }, () => rng.nextInt(2)));
      trace.push(...r.observations, ...r.rewards, ...r.terminated, ...r.truncated);
    }
    return trace;
  };
  assert.deepEqual(run(), run());
});

test('a batch of the wrong length or a bad sub-action raises InvalidActionError naming the sub-env', () => {
  const envs = SyncVectorEnv.make('CartPole-v1', 2);
  envs.resetSync({ seed: 0 });
  assert.throws(
    () => envs.stepSync(Int32Array.of(1)),
    /expected 2 × 1 = 2 batched action values, got 1/,
  );
  assert.throws(
    () => envs.stepSync(Int32Array.of(0, 5)),
    (e: unknown) => e instanceof InvalidActionError && /sub-env 1/.test(e.message),
  );
});
