import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidActionError, ResetNeededError } from '../../sim-cluster/errors.js';
import { CART_POLE, CartPoleEnv, cartPoleDynamics, make, spec } from '../../env/index.js';
import type { Env } from '../../env/index.js';

test('one push right from rest follows the hand-computed Euler step', () => {
  // From rest, sin θ = 0 and cos θ = 1: temp = F / (mc + mp) = 10 / 1.1 = 100/11,
  // θ'' = -temp / (l (4/3 - mp / M)) = -(100/11) / (41/66) = -600/41,
  // x'' = temp - mp l θ'' / M = 100/11 + 300/451 = 400/41.
  // Euler: x and θ keep their old velocities (0); ẋ = 0.02·400/41 = 8/41, θ̇ = -12/41.
  const env = new CartPoleEnv();
  env.reset({ options: { low: 0, high: 0 } });
  const { observation, reward, terminated, truncated } = env.step(1);
  assert.deepEqual(Array.from(observation), [0, Math.fround(8 / 41), 0, Math.fround(-12 / 41)]);
  assert.equal(reward, 1);
  assert.equal(terminated, false);
  assert.equal(truncated, false);
});

test('a push left mirrors a push right', () => {
  const next = cartPoleDynamics([0, 0, 0, 0], -CART_POLE.forceMag);
  const expected = [0, -0.02 * (400 / 41), 0, 0.02 * (600 / 41)];
  for (const [i, v] of next.entries())
    assert.ok(Math.abs(v - (expected[i] as number)) < 1e-15, `index ${i}: ${v}`);
});

test('Euler integration moves position with the old velocity', () => {
  // With θ = 0 and ẋ = 1, x advances by τ·ẋ = 0.02 whatever the force.
  const [x] = cartPoleDynamics([0, 1, 0, 0], 10);
  assert.equal(x, 0.02);
  const [xSemi] = cartPoleDynamics([0, 1, 0, 0], 10, 'semi-implicit-euler');
  assert.equal(xSemi, 0.02 * (1 + 0.02 * (400 / 41)));
});

test('a cart exactly at x = 2.4 is not terminated, just beyond it is', () => {
  const env = new CartPoleEnv();
  env.reset();
  env.setState([2.4, 0, 0, 0]);
  assert.equal(env.step(0).terminated, false);
  env.setState([2.4, 0.001, 0, 0]);
  assert.equal(env.step(0).terminated, true);
  env.setState([-2.4, -0.001, 0, 0]);
  assert.equal(env.step(1).terminated, true);
});

test('a pole exactly at 12 degrees is not terminated, just beyond it is', () => {
  const env = new CartPoleEnv();
  env.reset();
  const limit = (12 * 2 * Math.PI) / 360;
  env.setState([0, 0, limit, 0]);
  assert.equal(env.step(0).terminated, false);
  env.setState([0, 0, -limit, -0.001]);
  assert.equal(env.step(1).terminated, true);
});

test('the terminating step earns 1 and steps beyond it earn 0 on the raw env', () => {
  const env = new CartPoleEnv();
  env.reset();
  env.setState([2.4, 1, 0, 0]);
  const last = env.step(0);
  assert.equal(last.terminated, true);
  assert.equal(last.reward, 1);
  assert.equal(env.step(0).reward, 0);
});

test('always pushing right terminates exactly where the reference dynamics leave the bounds', () => {
  const env = new CartPoleEnv();
  const first = env.reset({ seed: 3 });
  let state = Array.from(env.getState() ?? []) as [number, number, number, number];
  assert.deepEqual(Array.from(first.observation), state.map(Math.fround));
  for (let t = 1; t <= 500; t++) {
    state = cartPoleDynamics(state, 10);
    const expected =
      Math.abs(state[0]) > 2.4 || Math.abs(state[2]) > CART_POLE.thetaThresholdRadians;
    const r = env.step(1);
    assert.equal(r.terminated, expected, `step ${t}`);
    if (expected) return;
  }
  assert.fail('the pole never fell');
});

test('reset draws every state variable from U(-0.05, 0.05)', () => {
  const env = new CartPoleEnv();
  for (let seed = 0; seed < 200; seed++) {
    for (const v of env.reset({ seed }).observation)
      assert.ok(Math.abs(v) <= 0.05, `seed ${seed}: ${v}`);
  }
});

test('the same seed gives the same reset observation, different seeds different ones', () => {
  const a = new CartPoleEnv();
  const b = new CartPoleEnv();
  assert.deepEqual(a.reset({ seed: 42 }).observation, b.reset({ seed: 42 }).observation);
  assert.notDeepEqual(a.reset({ seed: 42 }).observation, a.reset({ seed: 43 }).observation);
});

test('CartPole-v1 is registered with a 500-step limit and truncates at step 500', () => {
  assert.equal(spec('CartPole-v1').maxEpisodeSteps, 500);
  const env = make<Float32Array, number>('CartPole-v1');
  env.reset({ seed: 0 });
  const raw = (env as unknown as { unwrapped: CartPoleEnv }).unwrapped;
  for (let t = 1; t <= 500; t++) {
    raw.setState([0, 0, 0, 0]); // keep the pole up forever
    const r = env.step(t % 2);
    assert.equal(r.truncated, t === 500, `step ${t}`);
    assert.equal(r.terminated, false);
  }
});

test('an action outside Discrete(2) raises InvalidActionError naming the value and bound', () => {
  const env = make('CartPole-v1');
  env.reset();
  assert.throws(
    () => env.step(2),
    (e: unknown) =>
      e instanceof InvalidActionError && /value 2 is above the upper bound 1/.test(e.message),
  );
  assert.throws(
    () => env.step(NaN),
    (e: unknown) => e instanceof InvalidActionError && /NaN/.test(e.message),
  );
  assert.throws(() => env.step(0.5), InvalidActionError);
});

test('step before reset raises ResetNeededError', () => {
  const env: Env = make('CartPole-v1');
  assert.throws(() => env.step(0), ResetNeededError);
});

test('step after termination without reset raises ResetNeededError', () => {
  const env = make('CartPole-v1');
  env.reset({ seed: 1 });
  let ended = false;
  for (let t = 0; t < 500 && !ended; t++) ended = env.step(1).terminated;
  assert.equal(ended, true);
  assert.throws(() => env.step(1), ResetNeededError);
  env.reset();
  assert.equal(env.step(1).reward, 1);
});
