import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import {
  CartPoleEnv,
  OrderEnforcing,
  TimeLimit,
  loadEntryPoint,
  make,
  register,
  registeredIds,
  spec,
  unregister,
} from '../../env/index.js';

test('the classic control envs are registered', () => {
  assert.ok(registeredIds().includes('CartPole-v1'));
  assert.ok(registeredIds().includes('Pendulum-v1'));
});

test('make wraps the env in a TimeLimit inside OrderEnforcing', () => {
  const env = make('CartPole-v1');
  assert.ok(env instanceof OrderEnforcing);
  assert.ok(env.env instanceof TimeLimit);
  assert.equal(env.env.maxEpisodeSteps, 500);
  assert.ok(env.unwrapped instanceof CartPoleEnv);
});

test('make can override or remove the episode limit and skip the checker', () => {
  const limited = make('CartPole-v1', { maxEpisodeSteps: 3 });
  limited.reset({ seed: 0 });
  assert.deepEqual(
    [0, 1, 2].map(() => limited.step(0).truncated),
    [false, false, true],
  );
  assert.ok(
    make('CartPole-v1', { maxEpisodeSteps: null, disableEnvChecker: true }) instanceof CartPoleEnv,
  );
});

test('an unknown id names the registered ones', () => {
  assert.throws(
    () => make('Nope-v0'),
    (e: unknown) => e instanceof InvalidArgumentError && /CartPole-v1/.test(e.message),
  );
});

test('registering an id twice is refused', () => {
  register('test/Twice-v0', { factory: () => new CartPoleEnv() });
  assert.throws(
    () => register('test/Twice-v0', { factory: () => new CartPoleEnv() }),
    InvalidArgumentError,
  );
  assert.equal(unregister('test/Twice-v0'), true);
});

test('make merges its options over the spec defaults', () => {
  const seen: Record<string, unknown>[] = [];
  register('test/Options-v0', {
    factory: (options) => {
      seen.push({ ...options });
      return new CartPoleEnv();
    },
    options: { a: 1, b: 2 },
  });
  make('test/Options-v0', { options: { b: 3 } });
  assert.deepEqual(seen, [{ a: 1, b: 3 }]);
  unregister('test/Options-v0');
});

test('a lazy entry point is imported by loadEntryPoint', async () => {
  register('test/Lazy-v0', {
    entryPoint: {
      module: new URL('../../env/classic/cart-pole.js', import.meta.url).href,
      exportName: 'CartPoleEnv',
    },
  });
  assert.throws(() => make('test/Lazy-v0'), /loadEntryPoint/);
  await loadEntryPoint('test/Lazy-v0');
  assert.equal(typeof spec('test/Lazy-v0').factory, 'function');
  assert.ok(make('test/Lazy-v0', { disableEnvChecker: true }) instanceof CartPoleEnv);
  unregister('test/Lazy-v0');
});
