/**
 * The body of an `AsyncVectorEnv` worker thread: builds its slice of sub-envs from a
 * registry id (functions cannot cross threads), receives the shared buffers, then serves
 * commands from its control words (see worker-protocol.ts) until it is closed, reading
 * actions from and writing results into SharedArrayBuffers.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { GovernorError } from '../../sim-cluster/errors.js';
import type { Env, Info } from '../env.js';
import { isRegistered, loadEntryPoint, make, register } from '../registry.js';
import { flatdim } from '../spaces/flatten.js';
import { EnvBatch, actionDim, allocateObservations } from './env-batch.js';
import {
  COMMAND,
  Command,
  DONE,
  FINISHED,
  REQUEST,
  STATUS,
  SpinBudget,
  Status,
  spinForChange,
  waitForChange,
} from './worker-protocol.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('async-worker.js must run in a worker thread');
const setup = workerData as WorkerSetup;

function errorReply(e: unknown): WorkerReply {
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    type: 'error',
    name: err.name,
    ...(err instanceof GovernorError ? { code: err.code } : {}),
    message: err.message,
  };
}

async function buildEnvs(): Promise<Env[]> {
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

/**
 * Serves commands until `close`. Blocks this thread in `Atomics.wait` between them: the
 * worker has nothing else to do, and waking from a futex is far cheaper than a message.
 * The last worker to finish a step first polls for a while (`SpinBudget`).
 */
function serve(
  batch: EnvBatch,
  actions: Float64Array,
  control: Int32Array,
  channel: MessagePort,
  group: { readonly words: Int32Array; readonly numWorkers: number; readonly spin: SpinBudget },
): void {
  let served = 0;
  // Infos of the last step or reset, posted only if the main thread asks for them.
  let infos: Info[] = [];
  // Polls before sleeping for the next command (only after finishing a step last).
  let spin = 0;
  for (;;) {
    let next: number | undefined;
    if (spin > 0) {
      next = spinForChange(control, REQUEST, served, spin);
      group.spin.record(next !== undefined);
      spin = 0;
    }
    served = next ?? (waitForChange(control, REQUEST, served) as number);
    let status = Status.Ok;
    let closing = false;
    try {
      switch (Atomics.load(control, COMMAND)) {
        case Command.Step:
          infos = batch.step(actions);
          // Counted before DONE is set, so the count is complete when the main thread
          // sees every worker done and zeroes it for the next step.
          if (Atomics.add(group.words, FINISHED, 1) === group.numWorkers - 1)
            spin = group.spin.next();
          break;
        case Command.Infos:
          channel.postMessage({ type: 'ok', infos } satisfies WorkerReply);
          break;
        case Command.Message: {
          const request = receiveMessageOnPort(channel)?.message as WorkerRequest | undefined;
          if (request?.type === 'reset') {
            infos = batch.reset(request.seed, request.options);
          } else if (request?.type === 'close') {
            closing = true;
            batch.close();
          } else {
            throw new GovernorError('ERR_WORKER', `unexpected request ${request?.type}`);
          }
          channel.postMessage({ type: 'ok', infos } satisfies WorkerReply);
          break;
        }
        default:
          throw new GovernorError('ERR_WORKER', `unknown command ${control[COMMAND]}`);
      }
    } catch (e) {
      status = Status.Failed;
      infos = [];
      channel.postMessage(errorReply(e));
    }
    Atomics.store(control, STATUS, status);
    Atomics.store(control, DONE, served);
    Atomics.notify(control, DONE);
    if (closing) {
      channel.close();
      (port as NonNullable<typeof port>).close();
      return;
    }
  }
}

try {
  const envs = await buildEnvs();
  const env0 = envs[0] as (typeof envs)[number];
  port.postMessage({
    type: 'spaces',
    observationSpace: env0.observationSpace.toJson(),
    actionSpace: env0.actionSpace.toJson(),
  } satisfies WorkerReply);
  port.once('message', (request: WorkerRequest) => {
    if (request.type !== 'buffers') {
      port.postMessage(errorReply(new GovernorError('ERR_WORKER', 'expected the buffers first')));
      return;
    }
    let batch: EnvBatch;
    let actions: Float64Array;
    try {
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
    } catch (e) {
      port.postMessage(errorReply(e));
      return;
    }
    port.postMessage({ type: 'ok', infos: [] } satisfies WorkerReply);
    serve(batch, actions, new Int32Array(request.control), request.channel, {
      words: new Int32Array(request.group),
      numWorkers: request.numWorkers,
      spin: new SpinBudget(request.spinChecks),
    });
  });
} catch (e) {
  port.postMessage(errorReply(e));
  port.close();
}
