import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SyncVectorEnv, make } from '../../env/index.js';

/** Every observation, reward and flag of a run of `make(id)` from `seed` with `actions`. */
function run(id: string, seed: number, actions: readonly unknown[]): unknown[] {
  const env = make(id);
  const trace: unknown[] = [env.reset({ seed }).observation];
  for (const a of actions) {
    const r = env.step(a);
    trace.push(r.observation, r.reward, r.terminated, r.truncated);
    if (r.terminated || r.truncated) trace.push(env.reset().observation);
  }
  return trace;
}

test('the same seed and actions give the same CartPole run, for any seed and actions', () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 300 }),
      (seed, actions) => {
        assert.deepEqual(run('CartPole-v1', seed, actions), run('CartPole-v1', seed, actions));
      },
    ),
    { numRuns: 50 },
  );
});

test('the same seed and actions give the same Pendulum run, for any seed and torques', () => {
  const torque = fc.float({ min: -2, max: 2, noNaN: true }).map((u) => Float32Array.of(u));
  fc.assert(
    fc.property(fc.integer(), fc.array(torque, { maxLength: 250 }), (seed, actions) => {
      assert.deepEqual(run('Pendulum-v1', seed, actions), run('Pendulum-v1', seed, actions));
    }),
    { numRuns: 30 },
  );
});

test('same-step autoreset reports the truncated final observation of Pendulum at step 200', () => {
  const envs = SyncVectorEnv.make('Pendulum-v1', 2, { autoresetMode: 'same-step' });
  envs.resetSync({ seed: 3 });
  const ref = make<Float32Array, Float32Array>('Pendulum-v1');
  ref.reset({ seed: 3 });
  const zero = new Float32Array(2);
  for (let t = 1; t < 200; t++) {
    ref.step(zero.subarray(0, 1));
    assert.equal(envs.stepSync(zero).truncated[0], 0);
  }
  const last = ref.step(zero.subarray(0, 1));
  const r = envs.stepSync(zero);
  assert.deepEqual(Array.from(r.truncated), [1, 1]);
  assert.deepEqual(r.infos[0]?.finalObservation, last.observation);
  assert.deepEqual(r.observations.subarray(0, 3), ref.reset().observation);
});
