/**
 * The body of an `AsyncVectorEnv` worker thread: builds its slice of sub-envs from a
 * registry id (functions cannot cross threads), then serves reset/step/close requests,
 * reading actions from and writing results into SharedArrayBuffers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { GovernorError } from '../../sim-cluster/errors.js';
import { isRegistered, loadEntryPoint, make, register } from '../registry.js';
import { flatdim } from '../spaces/flatten.js';
import { EnvBatch, actionDim, allocateObservations } from './env-batch.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('async-worker.js must run in a worker thread');
const setup = workerData as WorkerSetup;

function reply(message: WorkerReply): void {
  (port as NonNullable<typeof port>).postMessage(message);
}

function replyError(e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  reply({
    type: 'error',
    name: err.name,
    ...(err instanceof GovernorError ? { code: err.code } : {}),
    message: err.message,
  });
}

async function buildEnvs(): Promise<ReturnType<typeof make>[]> {
  await import('../index.js');
  for (const m of setup.modules) await import(m);
  if (!isRegistered(setup.id) && setup.entryPoint !== undefined) {
    register(setup.id, {
      entryPoint: setup.entryPoint,
      ...(setup.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: setup.maxEpisodeSteps }),
    });
  }
  await loadEntryPoint(setup.id);
  return Array.from({ length: setup.count }, () => make(setup.id, setup.makeOptions));
}

try {
  const envs = await buildEnvs();
  const env0 = envs[0] as (typeof envs)[number];
  reply({
    type: 'spaces',
    observationSpace: env0.observationSpace.toJson(),
    actionSpace: env0.actionSpace.toJson(),
  });
  let batch: EnvBatch | undefined;
  let actions: Float64Array = new Float64Array(0);
  port.on('message', (request: WorkerRequest) => {
    try {
      switch (request.type) {
        case 'buffers': {
          const b = request.buffers;
          actions = new Float64Array(b.actions, 0, request.numEnvs * actionDim(env0.actionSpace));
          const observations = allocateObservations(
            env0.observationSpace,
            request.numEnvs,
            b.observations,
          );
          if (observations.length !== request.numEnvs * flatdim(env0.observationSpace))
            throw new Error('buffer size mismatch');
          batch = new EnvBatch(
            envs,
            {
              observations,
              rewards: new Float64Array(b.rewards),
              terminated: new Uint8Array(b.terminated),
              truncated: new Uint8Array(b.truncated),
            },
            setup.first,
            setup.autoresetMode,
          );
          reply({ type: 'ok', infos: [] });
          break;
        }
        case 'reset':
          reply({ type: 'ok', infos: (batch as EnvBatch).reset(request.seed, request.options) });
          break;
        case 'step':
          reply({ type: 'ok', infos: (batch as EnvBatch).step(actions) });
          break;
        case 'close':
          for (const env of envs) env.close();
          reply({ type: 'ok', infos: [] });
          port.close();
          break;
      }
    } catch (e) {
      replyError(e);
    }
  });
} catch (e) {
  replyError(e);
  port.close();
}
