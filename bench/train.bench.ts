/**
 * End-to-end training throughput of the default cluster config (`governor train --config`
 * with an empty config: governor/ClusterDR-v0 on cluster-train, 8 envs × 256 steps,
 * 4 epochs × 8 minibatches, the per-tenant network with 64 units) on the wasm backend:
 * environment steps per second, updates included, with sync envs, with async envs in 2
 * worker threads and with async envs stepped by this thread and 1 worker (`callerSteps`);
 * and where the time goes (rollout vs update).
 */
import { act, drawNoise, noiseWidth } from '../agents/act.js';
import { selectBackend } from '../agents/backend.js';
import { Ppo } from '../agents/ppo.js';
import { makeVec } from '../env/index.js';
import type { VectorEnv } from '../env/index.js';
import { RngStream } from '../sim-cluster/rng.js';
import { runShape } from '../training/cluster-run.js';
import { validateTrainConfig } from '../training/config.js';
import type { TrainConfig } from '../training/config.js';
import { RANDOMIZED_CLUSTER_ENV_ID } from '../training/randomized-cluster-env.js';
import type { BenchFigure } from './run.js';

export const name = 'training: end-to-end PPO on the default cluster config';

const ITERATIONS = 3; // 3 × 2,048 env steps per measurement

/** `caller`: async with `callerSteps` (the training thread + 1 worker thread step 4 + 4). */
type Mode = 'sync' | 'async' | 'caller';

function vectorEnv(config: TrainConfig, mode: Mode): Promise<VectorEnv> {
  return makeVec(RANDOMIZED_CLUSTER_ENV_ID, {
    numEnvs: config.ppo.numEnvs,
    vectorizationMode: mode === 'sync' ? 'sync' : 'async',
    numWorkers: 2,
    callerSteps: mode === 'caller',
    autoresetMode: 'same-step',
    makeOptions: {
      options: { cluster: config.cluster, stages: config.stages, stepsPerStep: config.ppo.numEnvs },
    },
  });
}

async function measure(config: TrainConfig, mode: Mode): Promise<BenchFigure[]> {
  const envs = await vectorEnv(config, mode);
  const network = runShape(config).network;
  const batch = config.ppo.numEnvs * config.ppo.numSteps;
  // Warm-up: JIT, wasm kernels, worker start.
  const warm = new Ppo(envs, config.ppo, 1, network);
  await warm.train({ totalSteps: batch });
  warm.dispose();
  const ppo = new Ppo(envs, config.ppo, 2, network);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await ppo.train({ totalSteps: ITERATIONS * batch });
  const total = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  // The rollout alone: the same number of steps with batched action selection.
  const n = config.ppo.numEnvs;
  const noise = new Float32Array(n * noiseWidth(ppo.network));
  const rng = new RngStream(3, 'bench');
  let obs = Float32Array.from((await envs.reset({ seed: 3 })).observations);
  const t1 = performance.now();
  for (let s = 0; s < ITERATIONS * config.ppo.numSteps; s++) {
    drawNoise(ppo.network, rng, noise);
    const { actions } = act(ppo.network, obs, n, noise);
    obs = Float32Array.from(
      (await envs.step(actions.map((a) => Math.max(-1, Math.min(1, a))))).observations,
    );
  }
  const rollout = (performance.now() - t1) / 1000;
  ppo.dispose();
  await envs.close();
  const label =
    mode === 'sync'
      ? 'sync envs'
      : mode === 'async'
        ? 'async envs, 2 workers'
        : 'async envs, callerSteps (this thread + 1 worker)';
  return [
    {
      label: `training throughput, ${label}`,
      value: (ITERATIONS * batch) / total,
      unit: 'steps/s',
      target: '>= 500',
    },
    {
      // On a loaded machine wall time stretches; CPU time (all threads) much less.
      label: `training steps per CPU second (all threads), ${label}`,
      value: (ITERATIONS * batch) / cpuSeconds,
      unit: 'steps/s',
    },
    {
      label: `rollout share of training time, ${label}`,
      value: (100 * Math.min(rollout, total)) / total,
      unit: '%',
    },
    { label: `rollout alone, ${label}`, value: (ITERATIONS * batch) / rollout, unit: 'steps/s' },
  ];
}

export async function run(): Promise<BenchFigure[]> {
  await selectBackend({ force: 'wasm', log: () => {} });
  const config = validateTrainConfig({}, '<default>', '.');
  return [
    ...(await measure(config, 'sync')),
    ...(await measure(config, 'async')),
    ...(await measure(config, 'caller')),
  ];
}
