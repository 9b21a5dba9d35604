import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidActionError } from '../../sim-cluster/errors.js';
import {
  ClipAction,
  NormalizeObservation,
  NormalizeReward,
  PendulumEnv,
  RecordEpisodeStatistics,
  RescaleAction,
  RunningMeanStd,
  TimeLimit,
  Wrapper,
} from '../../env/index.js';
import { CounterEnv } from './fixtures/counter-env.js';

/** Mean and variance of `xs` pooled with a prior of weight 1e-4, mean 0 and variance 1. */
function pooled(xs: readonly number[]): { mean: number; variance: number } {
  const w = 1e-4 + xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / w;
  const m2 = 1e-4 * (1 + mean * mean) + xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return { mean, variance: m2 / w };
}

function close(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );
}

test('RunningMeanStd matches the two-pass mean and variance pooled with its prior', () => {
  const xs = [3, -1, 4, 1, -5, 9, 2, 6];
  const rms = new RunningMeanStd(1);
  for (const x of xs) rms.update([x]);
  const ref = pooled(xs);
  close(rms.mean[0] as number, ref.mean, 'mean');
  close(rms.var[0] as number, ref.variance, 'variance');
});

test('a wrapper overriding only the reward hook forwards everything else', () => {
  class Double<O, A> extends Wrapper<O, A> {
    protected override reward(r: number): number {
      return 2 * r;
    }
  }
  const env = new Double(new CounterEnv());
  assert.equal(env.observationSpace, env.env.observationSpace);
  assert.deepEqual(env.reset({ seed: 1 }).info, { resetAt: 0 });
  const r = env.step(2);
  assert.equal(r.reward, 2);
  assert.deepEqual(r.info, { t: 1 });
  assert.equal(r.observation[1], 2);
});

test('TimeLimit truncates on the step that reaches the limit', () => {
  const env = new TimeLimit(new CounterEnv({ episodeLength: 100 }), 3);
  env.reset();
  assert.deepEqual(
    [1, 2, 3].map(() => env.step(0).truncated),
    [false, false, true],
  );
  env.reset();
  assert.equal(env.step(0).truncated, false);
});

test('RecordEpisodeStatistics puts the return and length in the info of the last step', () => {
  const env = new RecordEpisodeStatistics(new CounterEnv({ episodeLength: 4 }), 2);
  for (let episode = 0; episode < 3; episode++) {
    env.reset();
    for (let t = 1; t <= 4; t++) {
      const r = env.step(0);
      if (t < 4) assert.equal(r.info.episode, undefined);
      else assert.deepEqual(r.info.episode, { r: 1 + 2 + 3 + 4, l: 4 });
    }
  }
  assert.deepEqual(env.returnQueue, [10, 10]);
  assert.deepEqual(env.lengthQueue, [4, 4]);
});

test('NormalizeReward divides by the running std of the discounted return', () => {
  const gamma = 0.9;
  const env = new NormalizeReward(new CounterEnv({ episodeLength: 3 }), { gamma });
  const returns: number[] = [];
  let g = 0;
  for (let episode = 0; episode < 2; episode++) {
    env.reset();
    for (let t = 1; t <= 3; t++) {
      const r = env.step(0);
      // Rewards are 1, 2, 3. As in Gymnasium, G ← γ·G·(1 − terminated) + r uses the flag
      // of the current step, so the terminating step's G is its reward alone.
      g = (r.terminated ? 0 : g * gamma) + t;
      returns.push(g);
      close(
        r.reward,
        t / Math.sqrt(pooled(returns).variance + 1e-8),
        `episode ${episode} step ${t}`,
      );
    }
  }
});

test('NormalizeReward clips scaled rewards and freezes its statistics on request', () => {
  const env = new NormalizeReward(new CounterEnv({ episodeLength: 50 }), { clip: 0.5 });
  env.reset();
  assert.equal(env.step(0).reward, 0.5); // 1 / sqrt(~0) is far above the clip
  env.updateRunningMean = false;
  const frozen = env.stats;
  for (let t = 0; t < 10; t++) env.step(0);
  assert.deepEqual(env.stats, frozen);
});

test('NormalizeObservation standardises with statistics that include the current observation', () => {
  const env = new NormalizeObservation(new CounterEnv({ episodeLength: 10 }));
  const seen: number[] = [0];
  env.reset({ seed: 2 });
  for (let t = 1; t <= 5; t++) {
    const obs = env.step(0).observation;
    seen.push(t);
    const ref = pooled(seen);
    close(obs[0] as number, (t - ref.mean) / Math.sqrt(ref.variance + 1e-8), `step ${t}`);
    assert.ok(obs instanceof Float64Array);
  }
});

test('NormalizeObservation statistics round-trip and can be frozen for evaluation', () => {
  const train = new NormalizeObservation(new CounterEnv({ episodeLength: 10 }));
  train.reset({ seed: 3 });
  for (let t = 0; t < 5; t++) train.step(1);
  const evalEnv = new NormalizeObservation(new CounterEnv({ episodeLength: 10 }));
  evalEnv.stats = JSON.parse(JSON.stringify(train.stats));
  evalEnv.updateRunningMean = false;
  train.updateRunningMean = false;
  train.reset({ seed: 4 });
  evalEnv.reset({ seed: 4 });
  assert.deepEqual(evalEnv.step(2).observation, train.step(2).observation);
  assert.deepEqual(evalEnv.stats, train.stats);
});

test('ClipAction clips torques into the bounds and still rejects NaN', () => {
  const clipped = new ClipAction(new PendulumEnv());
  const raw = new PendulumEnv();
  clipped.reset({ seed: 1 });
  raw.reset({ seed: 1 });
  assert.deepEqual(clipped.step(Float32Array.of(5)), raw.step(Float32Array.of(2)));
  assert.throws(() => clipped.step(Float32Array.of(NaN)), InvalidActionError);
  assert.equal(clipped.actionSpace.high[0], Infinity);
});

test('RescaleAction maps [-1, 1] affinely onto the torque range', () => {
  for (const [outer, inner] of [
    [-1, -2],
    [0, 0],
    [0.5, 1],
    [1, 2],
  ] as const) {
    const scaled = new RescaleAction(new PendulumEnv(), -1, 1);
    const raw = new PendulumEnv();
    scaled.reset({ seed: 6 });
    raw.reset({ seed: 6 });
    assert.deepEqual(
      scaled.step(Float32Array.of(outer)),
      raw.step(Float32Array.of(inner)),
      `${outer} → ${inner}`,
    );
  }
  const env = new RescaleAction(new PendulumEnv(), -1, 1);
  env.reset();
  assert.throws(() => env.step(Float32Array.of(1.5)), /1.5 at index 0 is above the upper bound 1/);
});
