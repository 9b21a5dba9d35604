/**
 * Registers the classic control envs, with Gymnasium's episode limits. Importing this
 * module (which `governor/env` does) is enough to `make('CartPole-v1')`.
 */
import { isRegistered, register } from '../registry.js';
import { CartPoleEnv } from './cart-pole.js';
import type { CartPoleOptions } from './cart-pole.js';
import { PendulumEnv } from './pendulum.js';
import type { PendulumOptions } from './pendulum.js';

function registerOnce(id: string, input: Parameters<typeof register>[1]): void {
  // Idempotent, so that worker threads and tests may import this module freely.
  if (!isRegistered(id)) register(id, input);
}

registerOnce('CartPole-v1', {
  factory: (options) => new CartPoleEnv(options as CartPoleOptions),
  module: import.meta.url,
  maxEpisodeSteps: 500,
  rewardThreshold: 475,
});

registerOnce('Pendulum-v1', {
  factory: (options) => new PendulumEnv(options as PendulumOptions),
  module: import.meta.url,
  maxEpisodeSteps: 200,
});
