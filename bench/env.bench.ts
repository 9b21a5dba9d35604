/**
 * Env throughput: CartPole-v1 steps per second through a single env, a SyncVectorEnv of
 * 8 and an AsyncVectorEnv of 2 workers × 4 envs. Vector figures count sub-env steps.
 * Actions are drawn in advance from a seeded stream so only env work is timed.
 */
import { RngStream } from '../sim-cluster/rng.js';
import { AsyncVectorEnv, CartPoleEnv, SyncVectorEnv, make } from '../env/index.js';
import type { VectorEnv } from '../env/index.js';
import type { BenchFigure } from './run.js';

export const name = 'env: CartPole-v1 throughput';

const MIN_SECONDS = 1.5;

function randomActions(count: number): Int32Array {
  const rng = new RngStream(0, 'bench/actions');
  return Int32Array.from({ length: count }, () => rng.nextInt(2));
}

/** Steps per second of one env driven with `step`/`reset`, over at least MIN_SECONDS. */
function singleEnv(env: {
  reset(a?: { seed?: number }): unknown;
  step(a: number): { terminated: boolean; truncated: boolean };
}): number {
  const actions = randomActions(1 << 16);
  env.reset({ seed: 0 });
  let steps = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_SECONDS * 1000) {
    for (let k = 0; k < 10_000; k++) {
      const r = env.step(actions[steps & 0xffff] as number);
      steps += 1;
      if (r.terminated || r.truncated) env.reset();
    }
    elapsed = performance.now() - start;
  }
  return steps / (elapsed / 1000);
}

async function vectorEnv(envs: VectorEnv): Promise<number> {
  const n = envs.numEnvs;
  const actions = randomActions(n * 1024);
  await envs.reset({ seed: 0 });
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_SECONDS * 1000) {
    for (let k = 0; k < 200; k++) {
      const row = (calls & 1023) * n;
      await envs.step(actions.subarray(row, row + n));
      calls += 1;
    }
    elapsed = performance.now() - start;
  }
  await envs.close();
  return (calls * n) / (elapsed / 1000);
}

export async function run(): Promise<BenchFigure[]> {
  const raw = singleEnv(new CartPoleEnv());
  const made = singleEnv(make<Float32Array, number>('CartPole-v1'));
  const sync = await vectorEnv(SyncVectorEnv.make('CartPole-v1', 8));
  const async = await vectorEnv(
    await AsyncVectorEnv.create({ id: 'CartPole-v1', numEnvs: 8, numWorkers: 2 }),
  );
  return [
    { label: 'CartPole-v1 single env (raw CartPoleEnv)', value: raw, unit: 'steps/s' },
    {
      label: 'CartPole-v1 single env (make: TimeLimit + OrderEnforcing)',
      value: made,
      unit: 'steps/s',
    },
    { label: 'CartPole-v1 SyncVectorEnv(8)', value: sync, unit: 'env-steps/s' },
    { label: 'CartPole-v1 AsyncVectorEnv(2 workers × 4 envs)', value: async, unit: 'env-steps/s' },
  ];
}
