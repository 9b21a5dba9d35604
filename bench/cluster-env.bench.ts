/**
 * ClusterEnv throughput (issue 4): steps per second of `governor/Cluster-v0` on its
 * default training scenario (the `cluster-train` family at a 0.1 s control interval:
 * one step = one control window of tens of requests), on one core and through an
 * AsyncVectorEnv of 2 workers × 4 envs. Resets (a new family member per episode, every
 * 200 steps) are included. Actions are drawn in advance from a seeded stream so only env
 * work is timed. The single-env figure is also given per CPU second, which does not
 * depend on other processes sharing the machine.
 */
import { RngStream } from '../sim-cluster/rng.js';
import { AsyncVectorEnv, ClusterEnv, make } from '../env/index.js';
import type { ClusterEnvOptions, Env, VectorEnv } from '../env/index.js';
import type { BenchFigure } from './run.js';

export const name = 'env: ClusterEnv (governor/Cluster-v0) throughput';

const MIN_SECONDS = 3;
const ID = 'governor/Cluster-v0';

function randomActions(count: number, dim: number): Float32Array {
  const rng = new RngStream(0, 'bench/cluster-actions');
  return Float32Array.from({ length: count * dim }, () => 2 * rng.next() - 1);
}

/** Wall-clock and CPU-time steps per second of one env, over at least MIN_SECONDS. */
function singleEnv(env: Env<Float32Array, Float32Array>): { wall: number; cpu: number } {
  const dim = env.actionSpace.sample(0).length;
  const actions = randomActions(1024, dim);
  env.reset({ seed: 0 });
  let steps = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_SECONDS * 1000) {
    for (let k = 0; k < 500; k++) {
      const row = (steps & 1023) * dim;
      const r = env.step(actions.subarray(row, row + dim));
      steps += 1;
      if (r.terminated || r.truncated) env.reset();
    }
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  env.close();
  return { wall: steps / (elapsed / 1000), cpu: steps / ((cpu.user + cpu.system) / 1e6) };
}

async function vectorEnv(envs: VectorEnv): Promise<number> {
  const n = envs.numEnvs;
  const actions = randomActions(n * 256, envs.actionDim);
  const width = n * envs.actionDim;
  await envs.reset({ seed: 0 });
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_SECONDS * 1000) {
    for (let k = 0; k < 50; k++) {
      const row = (calls & 255) * width;
      await envs.step(actions.subarray(row, row + width));
      calls += 1;
    }
    elapsed = performance.now() - start;
  }
  await envs.close();
  return (calls * n) / (elapsed / 1000);
}

export async function run(): Promise<BenchFigure[]> {
  // Warm the JIT on a throwaway run so the first figure is not penalised.
  singleEnv(new ClusterEnv({ episodeWindows: 50 }));
  const raw = singleEnv(new ClusterEnv());
  const made = singleEnv(make<Float32Array, Float32Array>(ID));
  const async = await vectorEnv(await AsyncVectorEnv.create({ id: ID, numEnvs: 8, numWorkers: 2 }));
  const social: ClusterEnvOptions = { scenario: 'social-network', controlInterval: 0.05 };
  const sn = singleEnv(new ClusterEnv(social));
  return [
    {
      label: 'cluster-train, single env (raw ClusterEnv)',
      value: raw.wall,
      unit: 'steps/s',
      target: '>= 1000',
    },
    { label: 'cluster-train, single env, per CPU second', value: raw.cpu, unit: 'steps/cpu-s' },
    {
      label: 'cluster-train, single env (make: TimeLimit + OrderEnforcing)',
      value: made.wall,
      unit: 'steps/s',
    },
    {
      label: 'cluster-train, AsyncVectorEnv(2 workers × 4 envs)',
      value: async,
      unit: 'env-steps/s',
    },
    {
      label: 'cluster-train, AsyncVectorEnv(2 workers) ÷ single env',
      value: async / raw.wall,
      unit: '×',
      target: '>= 1.6',
    },
    { label: 'social-network at 0.05 s windows, single env', value: sn.wall, unit: 'steps/s' },
  ];
}
