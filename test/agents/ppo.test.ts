import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { AsyncVectorEnv, SyncVectorEnv } from '../../env/index.js';
import { loadCheckpoint, saveCheckpoint } from '../../agents/checkpoint.js';
import { Ppo } from '../../agents/ppo.js';
import type { Metric, PpoState } from '../../agents/ppo.js';
import { CLEANRL_PPO, CLEANRL_PPO_CONTINUOUS } from '../../agents/ppo-config.js';
import type { PpoConfig } from '../../agents/ppo-config.js';
import { InvalidArgumentError } from '../../sim-cluster/errors.js';

await tf.setBackend('cpu');

const tinyDiscrete: PpoConfig = { ...CLEANRL_PPO, numEnvs: 2, numSteps: 32, hidden: [16, 16] };
const tinyContinuous: PpoConfig = {
  ...CLEANRL_PPO_CONTINUOUS,
  numEnvs: 2,
  numSteps: 32,
  numMinibatches: 4,
  updateEpochs: 2,
  hidden: [16, 16],
};

function trainer(envId: string, config: PpoConfig, seed: number): Ppo {
  const envs = SyncVectorEnv.make(envId, config.numEnvs, { autoresetMode: 'same-step' });
  return new Ppo(envs, config, seed);
}

async function metricsOf(envId: string, config: PpoConfig, seed: number, steps: number) {
  const metrics: Metric[] = [];
  const ppo = trainer(envId, config, seed);
  await ppo.train({ totalSteps: steps, onMetric: (m) => metrics.push(m) });
  return { metrics, ppo };
}

test('PPO logs CleanRL’s losses and the episodes it finished', async () => {
  const { metrics } = await metricsOf('CartPole-v1', tinyDiscrete, 1, 256);
  const tags = new Set(metrics.map((m) => m.tag));
  for (const tag of [
    'charts/episodic_return',
    'charts/episodic_length',
    'losses/policy_loss',
    'losses/value_loss',
    'losses/entropy',
    'losses/approx_kl',
    'losses/clipfrac',
    'charts/learning_rate',
  ]) {
    assert.ok(tags.has(tag), `missing ${tag}`);
  }
  // 256 steps = 4 iterations of 2 envs x 32 steps; the last metric is at step 256.
  assert.equal(metrics.filter((m) => m.tag === 'losses/approx_kl').length, 4);
  assert.equal(metrics.at(-1)!.step, 256);
  for (const m of metrics) assert.ok(Number.isFinite(m.value), `${m.tag} = ${m.value}`);
});

test('PPO through an AsyncVectorEnv learns exactly as through a SyncVectorEnv', async () => {
  // Pendulum truncates at step 200, so bootstrapping reads infos' final observations,
  // which an AsyncVectorEnv fetches from its workers only when read.
  const steps = 2 * 256;
  const sync = await metricsOf('Pendulum-v1', tinyContinuous, 3, steps);
  const envs = await AsyncVectorEnv.create({
    id: 'Pendulum-v1',
    numEnvs: tinyContinuous.numEnvs,
    numWorkers: 2,
    autoresetMode: 'same-step',
  });
  const metrics: Metric[] = [];
  try {
    await new Ppo(envs, tinyContinuous, 3).train({
      totalSteps: steps,
      onMetric: (m) => metrics.push(m),
    });
  } finally {
    await envs.close();
  }
  assert.ok(metrics.some((m) => m.tag === 'charts/episodic_return'));
  assert.deepEqual(metrics, sync.metrics);
});

test('PPO training is deterministic given a seed', async () => {
  const a = await metricsOf('CartPole-v1', tinyDiscrete, 3, 128);
  const b = await metricsOf('CartPole-v1', tinyDiscrete, 3, 128);
  assert.equal(a.metrics.length, b.metrics.length);
  a.metrics.forEach((m, i) => {
    const o = b.metrics[i]!;
    assert.equal(o.tag, m.tag);
    assert.ok(
      Math.abs(o.value - m.value) <= 1e-5 * (1 + Math.abs(m.value)),
      `${m.tag}: ${m.value} vs ${o.value}`,
    );
  });
});

test('different seeds give different training runs', async () => {
  const a = await metricsOf('CartPole-v1', tinyDiscrete, 3, 64);
  const b = await metricsOf('CartPole-v1', tinyDiscrete, 4, 64);
  assert.notDeepEqual(
    a.metrics.map((m) => m.value),
    b.metrics.map((m) => m.value),
  );
});

test('PPO trains a Gaussian policy on a Box action space', async () => {
  const { metrics, ppo } = await metricsOf('Pendulum-v1', tinyContinuous, 1, 448);
  // 448 steps: 7 iterations of 2 envs x 32 steps, 224 steps per env; Pendulum episodes
  // are truncated at 200 steps, so each env finished one episode.
  assert.equal(ppo.iteration, 7);
  assert.equal(
    metrics
      .filter((m) => m.tag === 'charts/episodic_length')
      .map((m) => m.value)
      .join(),
    '200,200',
  );
  assert.ok(ppo.getState().obsRms !== null);
});

test('the number of live tensors stays flat across iterations', async () => {
  const ppo = trainer('CartPole-v1', tinyDiscrete, 5);
  const counts: number[] = [];
  await ppo.train({
    totalSteps: 64 * 6,
    onIteration: () => void counts.push(tf.memory().numTensors),
  });
  assert.equal(counts.length, 6);
  assert.ok(
    counts.every((c) => c === counts[0]),
    `tensor counts ${counts.join(', ')}`,
  );
});

test('a checkpoint restores weights, optimiser state and schedule position', async () => {
  const lrOf = (metrics: Metric[]) =>
    metrics.filter((m) => m.tag === 'charts/learning_rate').map((m) => m.value);
  const full = await metricsOf('CartPole-v1', tinyDiscrete, 8, 256);

  const dir = join(mkdtempSync(join(tmpdir(), 'governor-ckpt-')), 'ckpt');
  const first = trainer('CartPole-v1', tinyDiscrete, 8);
  let weightsAt2: number[][] = [];
  let adamAt2 = first.optimizer.getState();
  await first.train({
    totalSteps: 256,
    onIteration: (p) => {
      if (p.iteration !== 2) return;
      saveCheckpoint(dir, p.network, p.optimizer, p.getState());
      weightsAt2 = p.network.parameters.map((q) => [...q.variable.dataSync()]);
      adamAt2 = p.optimizer.getState();
    },
  });

  const resumed = trainer('CartPole-v1', tinyDiscrete, 8);
  resumed.setState(loadCheckpoint(dir, resumed.network, resumed.optimizer) as PpoState);
  assert.equal(resumed.iteration, 2);
  assert.equal(resumed.globalStep, 128);
  resumed.network.parameters.forEach((p, i) =>
    assert.deepEqual([...p.variable.dataSync()], weightsAt2[i]),
  );
  const restored = resumed.optimizer.getState();
  assert.equal(restored.step, adamAt2.step);
  for (const [name, moments] of adamAt2.moments)
    assert.deepEqual(restored.moments.get(name), moments);

  // Iterations 3 and 4 follow the annealing schedule of the full 4-iteration run.
  const rest: Metric[] = [];
  await resumed.train({ totalSteps: 256, onMetric: (m) => rest.push(m) });
  assert.deepEqual(lrOf(rest), lrOf(full.metrics).slice(2));
  assert.equal(resumed.globalStep, 256);
});

test('a target KL stops an iteration’s epochs after the first one that exceeds it', async () => {
  // tinyDiscrete: 4 minibatches x 4 epochs; any positive KL exceeds 1e-12, so each of the
  // 2 iterations stops after its first epoch: 2 x 4 Adam steps instead of 2 x 16.
  const ppo = trainer('CartPole-v1', { ...tinyDiscrete, targetKl: 1e-12 }, 2);
  await ppo.train({ totalSteps: 128 });
  assert.equal(ppo.optimizer.step, 8);
  const free = trainer('CartPole-v1', tinyDiscrete, 2);
  await free.train({ totalSteps: 128 });
  assert.equal(free.optimizer.step, 32);
});

test('PPO refuses a vector env in next-step autoreset mode', () => {
  const envs = SyncVectorEnv.make('CartPole-v1', 2);
  assert.throws(() => new Ppo(envs, tinyDiscrete, 1), InvalidArgumentError);
});
