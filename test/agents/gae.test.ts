import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeGae } from '../../agents/gae.js';

// One env, three steps, gamma = lambda = 0.5 so that gamma * lambda = 0.25.
const base = {
  numEnvs: 1,
  rewards: [1, 2, 3],
  values: [0.5, 1, 1.5],
  terminated: [0, 0, 0],
  truncated: [0, 0, 0],
  finalValues: [0, 0, 0],
  lastValues: [2],
  gamma: 0.5,
  lambda: 0.5,
};

function assertClose(actual: ArrayLike<number>, expected: number[], tol = 1e-6) {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) =>
    assert.ok(Math.abs(actual[i]! - e) < tol, `[${i}] ${actual[i]} vs ${e}`),
  );
}

test('GAE without episode ends bootstraps on the last value', () => {
  // delta2 = 3 + 0.5*2 - 1.5 = 2.5;   A2 = 2.5
  // delta1 = 2 + 0.5*1.5 - 1 = 1.75;  A1 = 1.75 + 0.25*2.5 = 2.375
  // delta0 = 1 + 0.5*1 - 0.5 = 1;     A0 = 1 + 0.25*2.375 = 1.59375
  const { advantages, returns } = computeGae(base);
  assertClose(advantages, [1.59375, 2.375, 2.5]);
  // returns = advantages + values
  assertClose(returns, [2.09375, 3.375, 4.0]);
});

test('GAE uses a zero next value after termination and does not propagate across it', () => {
  // delta1 = 2 + 0 - 1 = 1; A1 = 1 (A2 is not added); A0 = 1 + 0.25*1 = 1.25
  const { advantages } = computeGae({ ...base, terminated: [0, 1, 0] });
  assertClose(advantages, [1.25, 1, 2.5]);
});

test('GAE bootstraps on the final observation’s value after truncation', () => {
  // final value 4: delta1 = 2 + 0.5*4 - 1 = 3; A1 = 3; A0 = 1 + 0.25*3 = 1.75
  const { advantages } = computeGae({ ...base, truncated: [0, 1, 0], finalValues: [0, 4, 0] });
  assertClose(advantages, [1.75, 3, 2.5]);
});

test('GAE treats an episode both terminated and truncated as terminated', () => {
  const both = computeGae({
    ...base,
    terminated: [0, 1, 0],
    truncated: [0, 1, 0],
    finalValues: [0, 4, 0],
  });
  assertClose(both.advantages, [1.25, 1, 2.5]);
});

test('GAE on a time-major batch of two envs equals GAE on each env alone', () => {
  const other = { rewards: [0, -1, 1], values: [1, 0, 2], terminated: [1, 0, 0], last: 3 };
  const together = computeGae({
    ...base,
    numEnvs: 2,
    rewards: [1, other.rewards[0]!, 2, other.rewards[1]!, 3, other.rewards[2]!],
    values: [0.5, other.values[0]!, 1, other.values[1]!, 1.5, other.values[2]!],
    terminated: [0, 1, 0, 0, 0, 0],
    truncated: [0, 0, 0, 0, 0, 0],
    finalValues: [0, 0, 0, 0, 0, 0],
    lastValues: [2, other.last],
  });
  const alone = computeGae({
    ...base,
    rewards: other.rewards,
    values: other.values,
    terminated: other.terminated,
    lastValues: [other.last],
  });
  const env0 = [0, 2, 4].map((i) => together.advantages[i]!);
  const env1 = [1, 3, 5].map((i) => together.advantages[i]!);
  assertClose(env0, [1.59375, 2.375, 2.5]);
  assertClose(env1, [...alone.advantages]);
});

test('GAE with lambda 1 and gamma 1 gives reward-to-go minus value', () => {
  // reward-to-go with bootstrap 2: [1+2+3+2, 2+3+2, 3+2] = [8, 7, 5]
  const { advantages } = computeGae({ ...base, gamma: 1, lambda: 1 });
  assertClose(advantages, [8 - 0.5, 7 - 1, 5 - 1.5]);
});

test('GAE with lambda 0 gives one-step TD errors', () => {
  // delta_t with gamma 0.5: [1, 1.75, 2.5]
  const { advantages } = computeGae({ ...base, lambda: 0 });
  assertClose(advantages, [1, 1.75, 2.5]);
});
