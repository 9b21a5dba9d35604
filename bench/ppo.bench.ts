/**
 * PPO training throughput on CartPole-v1 with CleanRL ppo.py's defaults (4 envs x 128
 * steps, 4 epochs x 4 minibatches, 64-64 tanh MLPs): environment steps per second,
 * updates included, on the wasm and the cpu backends, plus where the time goes.
 */
import * as tf from '@tensorflow/tfjs';
import { act, drawNoise, noiseWidth } from '../agents/act.js';
import { selectBackend } from '../agents/backend.js';
import type { BackendName } from '../agents/backend.js';
import { Ppo } from '../agents/ppo.js';
import { CLEANRL_PPO } from '../agents/ppo-config.js';
import { SyncVectorEnv } from '../env/index.js';
import { RngStream } from '../sim-cluster/rng.js';
import type { BenchFigure } from './run.js';

export const name = 'agents: PPO (TensorFlow.js)';

const ITERATIONS = 24; // 24 x 512 = 12,288 env steps per measurement

async function measure(backend: BackendName): Promise<BenchFigure[]> {
  await selectBackend({ force: backend, log: () => {} });
  const config = CLEANRL_PPO;
  const envs = SyncVectorEnv.make('CartPole-v1', config.numEnvs, { autoresetMode: 'same-step' });
  const ppo = new Ppo(envs, config, 1);
  // Warm-up: kernels compile and the allocator settles on the first iterations.
  await ppo.train({ totalSteps: 2 * 512 });
  const fresh = new Ppo(envs, config, 2);
  const start = performance.now();
  await fresh.train({ totalSteps: ITERATIONS * 512 });
  const seconds = (performance.now() - start) / 1000;

  // One batched forward pass (4 envs), as in the rollout.
  const obs = new Float32Array(4 * 4).fill(0.1);
  const noise = new Float32Array(4 * noiseWidth(fresh.network));
  const rng = new RngStream(1, 'bench');
  const n = 2000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    drawNoise(fresh.network, rng, noise);
    act(fresh.network, obs, 4, noise);
  }
  const actMicros = ((performance.now() - t0) / n) * 1000;
  await envs.close();
  return [
    {
      label: `CartPole-v1 PPO training, CleanRL defaults (${backend})`,
      value: (ITERATIONS * 512) / seconds,
      unit: 'steps/s',
      target: '>= 2000',
    },
    { label: `batched action selection, 4 envs (${backend})`, value: actMicros, unit: 'us/step' },
    {
      label: `live tensors after training (${backend})`,
      value: tf.memory().numTensors,
      unit: 'tensors',
    },
  ];
}

export async function run(): Promise<BenchFigure[]> {
  const wasm = await measure('wasm');
  const cpu = await measure('cpu');
  return [...wasm, ...cpu];
}
