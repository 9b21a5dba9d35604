import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Box,
  ClipAction,
  Discrete,
  EnvCheckError,
  NormalizeObservation,
  NormalizeReward,
  OrderEnforcing,
  PendulumEnv,
  RecordEpisodeStatistics,
  RescaleAction,
  TimeLimit,
  checkEnv,
  make,
  registeredIds,
} from '../../env/index.js';
import type { BoxValue, Env, Info, MakeOptions, ResetResult, StepResult } from '../../env/index.js';
import { CounterEnv } from './fixtures/counter-env.js';
import { SMALL_CLUSTER } from './fixtures/small-cluster.js';

/** Make options per id where the defaults would make the check slow. */
const FAST: Readonly<Record<string, MakeOptions>> = {
  'governor/Cluster-v0': { options: { scenario: SMALL_CLUSTER }, maxEpisodeSteps: 100 },
};

test('every registered env passes the checker', () => {
  const ids = registeredIds();
  assert.ok(
    ids.includes('CartPole-v1') &&
      ids.includes('Pendulum-v1') &&
      ids.includes('test/Counter-v0') &&
      ids.includes('governor/Cluster-v0'),
  );
  for (const id of ids) checkEnv(() => make(id, FAST[id]), { name: id, steps: 300 });
});

test('every wrapper passes the checker', () => {
  const pendulum = (): Env<BoxValue, BoxValue> => make<BoxValue, BoxValue>('Pendulum-v1');
  const wrapped: Record<string, () => Env> = {
    TimeLimit: () => new TimeLimit(new CounterEnv({ episodeLength: 50 }), 7),
    OrderEnforcing: () => new OrderEnforcing(new CounterEnv()),
    RecordEpisodeStatistics: () => new RecordEpisodeStatistics(make('CartPole-v1')),
    NormalizeObservation: () => new NormalizeObservation(make<BoxValue, number>('CartPole-v1')),
    NormalizeObservationClipped: () => new NormalizeObservation(pendulum(), { clip: 0.5 }),
    NormalizeReward: () => new NormalizeReward(make('CartPole-v1'), { clip: 10 }),
    ClipAction: () => new ClipAction(pendulum()),
    RescaleAction: () => new RescaleAction(pendulum(), -1, 1),
    Stack: () =>
      new NormalizeReward(
        new NormalizeObservation(
          new RecordEpisodeStatistics(new ClipAction(new RescaleAction(pendulum(), 0, 1))),
        ),
      ),
  };
  for (const [name, factory] of Object.entries(wrapped)) checkEnv(factory, { name, steps: 250 });
});

test('a single env instance passes when it has no state across episodes', () => {
  checkEnv(make('Pendulum-v1'));
});

/** An env that breaks several rules at once; which ones depends on `flaw`. */
class BrokenEnv implements Env<Float32Array, number> {
  static resets = 0;
  readonly observationSpace = new Box<Float32Array>({ low: 0, high: 1, shape: [1] });
  readonly actionSpace = new Discrete(2);
  readonly metadata = { renderModes: [] };
  constructor(private readonly flaw: 'obs' | 'reward' | 'seed' | 'accepts-anything') {}

  reset(): ResetResult<Float32Array, Info> {
    BrokenEnv.resets += 1;
    const v = this.flaw === 'seed' ? (BrokenEnv.resets % 10) / 10 : 0.5;
    return { observation: Float32Array.of(this.flaw === 'obs' ? 2 : v), info: {} };
  }

  step(): StepResult<Float32Array, Info> {
    return {
      observation: Float32Array.of(0.5),
      reward: this.flaw === 'reward' ? NaN : 1,
      terminated: false,
      truncated: false,
      info: {},
    };
  }

  close(): void {}
}

function failuresOf(env: () => Env): readonly string[] {
  try {
    checkEnv(env, { name: 'broken' });
  } catch (e) {
    assert.ok(e instanceof EnvCheckError);
    assert.match(e.message, /broken fails \d+ env check/);
    return e.failures;
  }
  return [];
}

test('the checker names an observation outside the space', () => {
  assert.ok(
    failuresOf(() => new BrokenEnv('obs')).some((f) =>
      /reset\(\) observation is outside .*value 2 at index 0 is above the upper bound 1/.test(f),
    ),
  );
});

test('the checker names a non-finite reward', () => {
  assert.ok(
    failuresOf(() => new BrokenEnv('reward')).some((f) =>
      /step 1: reward must be a finite number, got NaN/.test(f),
    ),
  );
});

test('the checker names an env whose reset ignores the seed', () => {
  assert.ok(
    failuresOf(() => new BrokenEnv('seed')).some((f) =>
      /reset\(\{seed: 0\}\) twice gives different observations/.test(f),
    ),
  );
});

test('the checker names an env that accepts invalid actions', () => {
  assert.ok(
    failuresOf(() => new BrokenEnv('accepts-anything')).some((f) =>
      /accepted the invalid action 2/.test(f),
    ),
  );
});

test('the checker lists every failing check, not only the first', () => {
  const failures = failuresOf(() => new BrokenEnv('reward'));
  assert.ok(failures.length >= 2, failures.join('\n'));
});

test('the checker tells a stateful wrapper checked as one instance to pass a factory', () => {
  const failures = failuresOf(() => new NormalizeObservation(new PendulumEnv()));
  assert.deepEqual(failures, []);
  assert.throws(
    () => checkEnv(new NormalizeObservation(new PendulumEnv())),
    /different observations \(a stateful wrapper\? pass a factory\)/,
  );
});
