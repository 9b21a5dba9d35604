import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidActionError, ResetNeededError } from '../../sim-cluster/errors.js';
import { PendulumEnv, angleNormalize, make, spec } from '../../env/index.js';

function stepFrom(theta: number, thetaDot: number, u: number): ReturnType<PendulumEnv['step']> {
  const env = new PendulumEnv();
  env.reset();
  env.setState(theta, thetaDot);
  return env.step(Float32Array.of(u));
}

test('full torque from upright rest follows the hand-computed step', () => {
  // θ̈ = 3g/(2l)·sin 0 + 3/(ml²)·2 = 6, so θ̇ = 6·0.05 = 0.3 and θ = 0.3·0.05 = 0.015.
  // cost = 0 + 0 + 0.001·2² = 0.004.
  const r = stepFrom(0, 0, 2);
  assert.equal(r.reward, -0.004);
  assert.deepEqual(
    Array.from(r.observation),
    [Math.cos(0.015), Math.sin(0.015), 0.3].map(Math.fround),
  );
});

test('gravity accelerates a horizontal pendulum by 3g/2l', () => {
  // θ = π/2, θ̇ = 1, u = 0: θ̇' = 1 + 15·0.05 = 1.75; cost = (π/2)² + 0.1.
  const r = stepFrom(Math.PI / 2, 1, 0);
  assert.equal(r.reward, -((Math.PI / 2) ** 2 + 0.1));
  assert.equal(r.observation[2], Math.fround(1.75));
  assert.equal(r.observation[1], Math.fround(Math.sin(Math.PI / 2 + 1.75 * 0.05)));
});

test('angular speed is clipped to 8 rad/s', () => {
  // 7.9 + (15 + 6)·0.05 = 8.95 is clipped to 8.
  assert.equal(stepFrom(Math.PI / 2, 7.9, 2).observation[2], 8);
  assert.equal(stepFrom(-Math.PI / 2, -7.9, -2).observation[2], -8);
});

test('the reward uses the angle normalised to [-π, π)', () => {
  // θ = 3π/2 is -π/2 after normalisation; cost = (π/2)².
  assert.equal(stepFrom((3 * Math.PI) / 2, 0, 0).reward, -(angleNormalize((3 * Math.PI) / 2) ** 2));
  assert.ok(Math.abs(angleNormalize((3 * Math.PI) / 2) + Math.PI / 2) < 1e-12);
  assert.ok(Math.abs(angleNormalize(-(3 * Math.PI) / 2) - Math.PI / 2) < 1e-12);
  assert.equal(angleNormalize(Math.PI), -Math.PI);
});

test('the worst reward is -(π² + 0.1·8² + 0.001·2²)', () => {
  assert.ok(Math.abs(stepFrom(-Math.PI, 8, 2).reward + 16.2736044) < 1e-6);
});

test('reset draws θ from U(-π, π) and θ̇ from U(-1, 1)', () => {
  const env = new PendulumEnv();
  let maxSpeed = 0;
  for (let seed = 0; seed < 300; seed++) {
    const [cos, sin, thetaDot] = env.reset({ seed }).observation;
    assert.ok(Math.abs((cos as number) ** 2 + (sin as number) ** 2 - 1) < 1e-6);
    maxSpeed = Math.max(maxSpeed, Math.abs(thetaDot as number));
  }
  assert.ok(maxSpeed <= 1 && maxSpeed > 0.9, `max |θ̇| ${maxSpeed}`);
});

test('Pendulum-v1 never terminates and truncates at step 200', () => {
  assert.equal(spec('Pendulum-v1').maxEpisodeSteps, 200);
  const env = make<Float32Array, Float32Array>('Pendulum-v1');
  env.reset({ seed: 5 });
  for (let t = 1; t <= 200; t++) {
    const r = env.step(Float32Array.of(0));
    assert.equal(r.terminated, false);
    assert.equal(r.truncated, t === 200, `step ${t}`);
  }
  assert.throws(() => env.step(Float32Array.of(0)), ResetNeededError);
});

test('torques that are NaN, out of bounds or wrongly shaped raise InvalidActionError', () => {
  const env = make('Pendulum-v1');
  env.reset();
  const fails = (action: unknown, pattern: RegExp): void => {
    assert.throws(
      () => env.step(action),
      (e: unknown) => e instanceof InvalidActionError && pattern.test(e.message),
    );
  };
  fails(Float32Array.of(NaN), /index 0 is NaN/);
  fails(Float32Array.of(2.5), /value 2.5 at index 0 is above the upper bound 2/);
  fails(Float32Array.of(0, 0), /expected length 1/);
  fails(0, /expected a Float32Array/);
});

test('g changes the dynamics through make options', () => {
  const env = make<Float32Array, Float32Array>('Pendulum-v1', { options: { g: 0 } });
  env.reset({ options: { xInit: 0, yInit: 0 } });
  // With g = 0 and u = 0 from rest the pendulum does not move.
  assert.deepEqual(Array.from(env.step(Float32Array.of(0)).observation), [1, 0, 0]);
});
