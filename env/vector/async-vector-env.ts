/**
 * Gymnasium's `AsyncVectorEnv` on worker_threads: sub-envs run in worker threads, several
 * per worker if asked, stepping in parallel. Sub-envs are built inside the workers from a
 * registry id, so the module that registers the id must be importable there: it is the
 * spec's `module` (or `entryPoint`), plus any `modules` given. Results travel through
 * SharedArrayBuffers; only infos are copied.
 *
 * Determinism: sub-env i is seeded `seed + i` whatever the number of workers, so an
 * AsyncVectorEnv and a SyncVectorEnv with the same seed and actions give identical
 * trajectories. Always `close()`: it terminates the workers. Idle workers do not keep
 * the process alive.
 */
import { Worker } from 'node:worker_threads';
import {
  GovernorError,
  InvalidActionError,
  InvalidArgumentError,
  ResetNeededError,
} from '../../sim-cluster/errors.js';
import type { Info, ResetArgs } from '../env.js';
import { spec } from '../registry.js';
import type { MakeOptions } from '../registry.js';
import { flatdim, spaceFromJson } from '../spaces/flatten.js';
import type { Space } from '../spaces/space.js';
import { actionDim, allocateObservations } from './env-batch.js';
import type { SharedBuffers, WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol.js';
import type {
  AutoresetMode,
  ObservationBatch,
  VectorEnv,
  VectorResetResult,
  VectorStepResult,
} from './vector-env.js';

/** Options of `AsyncVectorEnv.create`. */
export interface AsyncVectorEnvOptions {
  /** Registry id of the sub-envs. */
  readonly id: string;
  readonly numEnvs: number;
  /** Worker threads (default: one per sub-env); sub-envs are split into contiguous slices. */
  readonly numWorkers?: number;
  /** Passed to `make` in each worker; must be structured-clonable. */
  readonly makeOptions?: MakeOptions;
  /** Extra modules (URLs) each worker imports before `make`, e.g. ones that register envs. */
  readonly modules?: readonly string[];
  readonly autoresetMode?: AutoresetMode;
}

function toError(reply: Extract<WorkerReply, { type: 'error' }>): Error {
  if (reply.code === 'ERR_INVALID_ACTION') return new InvalidActionError(reply.message);
  if (reply.code === 'ERR_RESET_NEEDED') return new ResetNeededError(reply.message);
  if (reply.code !== undefined) return new GovernorError(reply.code, reply.message);
  const e = new Error(reply.message);
  e.name = reply.name;
  return e;
}

/** One worker thread and its single outstanding request. */
class WorkerHandle {
  private pending: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  readonly firstReply: Promise<WorkerReply>;

  constructor(readonly worker: Worker) {
    this.firstReply = this.expectReply();
    worker.on('message', (reply: WorkerReply) => this.settle((p) => p.resolve(reply)));
    worker.on('error', (e: Error) => {
      this.failure = e;
      this.settle((p) => p.reject(e));
    });
    worker.on('exit', (code) => {
      this.failure ??= new GovernorError(
        'ERR_WORKER_EXIT',
        `vector env worker exited with code ${code}`,
      );
      this.settle((p) => p.reject(this.failure as Error));
    });
  }

  private settle(action: (p: NonNullable<WorkerHandle['pending']>) => void): void {
    const p = this.pending;
    this.pending = undefined;
    // Idle workers must not keep the process alive (a forgotten close() never hangs it).
    this.worker.unref();
    if (p !== undefined) action(p);
  }

  private expectReply(): Promise<WorkerReply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    this.worker.ref();
    return new Promise((resolve, reject) => (this.pending = { resolve, reject }));
  }

  /** Sends `request` and resolves with the worker's infos, or rejects with its error. */
  async request(request: WorkerRequest): Promise<readonly Info[]> {
    const reply = this.expectReply();
    this.worker.postMessage(request);
    const r = await reply;
    if (r.type === 'error') throw toError(r);
    if (r.type !== 'ok') throw new GovernorError('ERR_WORKER', `unexpected worker reply ${r.type}`);
    return r.infos;
  }
}

/**
 * A `VectorEnv` whose sub-envs run in worker threads (see the module comment). Build it
 * with `AsyncVectorEnv.create` (or `makeVec(id, {vectorizationMode: 'async'})`); one
 * `reset` or `step` may be in flight at a time; `close()` terminates the workers.
 */
export class AsyncVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly actionDim: number;
  private readonly observations: ObservationBatch;
  private readonly rewards: Float64Array;
  private readonly terminated: Uint8Array;
  private readonly truncated: Uint8Array;
  private readonly actions: Float64Array;
  private busy = false;
  private closed = false;

  private constructor(
    private readonly handles: readonly WorkerHandle[],
    readonly singleObservationSpace: Space<unknown>,
    readonly singleActionSpace: Space<unknown>,
    readonly autoresetMode: AutoresetMode,
    buffers: SharedBuffers,
  ) {
    this.numEnvs = buffers.rewards.byteLength / 8;
    this.obsDim = flatdim(singleObservationSpace);
    this.actionDim = actionDim(singleActionSpace);
    this.observations = allocateObservations(
      singleObservationSpace,
      this.numEnvs,
      buffers.observations,
    );
    this.rewards = new Float64Array(buffers.rewards);
    this.terminated = new Uint8Array(buffers.terminated);
    this.truncated = new Uint8Array(buffers.truncated);
    this.actions = new Float64Array(buffers.actions);
  }

  /** Starts the workers, builds the sub-envs in them and waits until they are ready. */
  static async create(options: AsyncVectorEnvOptions): Promise<AsyncVectorEnv> {
    const { id, numEnvs } = options;
    const numWorkers = options.numWorkers ?? numEnvs;
    if (!Number.isSafeInteger(numEnvs) || numEnvs < 1)
      throw new InvalidArgumentError(`numEnvs must be a positive integer, got ${numEnvs}`);
    if (!Number.isSafeInteger(numWorkers) || numWorkers < 1 || numWorkers > numEnvs)
      throw new InvalidArgumentError(
        `numWorkers must be an integer in [1, ${numEnvs}], got ${numWorkers}`,
      );
    const s = spec(id);
    const autoresetMode = options.autoresetMode ?? 'next-step';
    const handles: WorkerHandle[] = [];
    let first = 0;
    for (let w = 0; w < numWorkers; w++) {
      const count = Math.floor(numEnvs / numWorkers) + (w < numEnvs % numWorkers ? 1 : 0);
      const setup: WorkerSetup = {
        id,
        modules: [...(s.module === undefined ? [] : [s.module]), ...(options.modules ?? [])],
        ...(s.entryPoint === undefined ? {} : { entryPoint: s.entryPoint }),
        ...(s.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: s.maxEpisodeSteps }),
        makeOptions: options.makeOptions ?? {},
        first,
        count,
        autoresetMode,
      };
      handles.push(
        new WorkerHandle(
          new Worker(new URL('./async-worker.js', import.meta.url), { workerData: setup }),
        ),
      );
      first += count;
    }
    try {
      const replies = await Promise.all(handles.map((h) => h.firstReply));
      const spaces = replies.map((r) => {
        if (r.type === 'error') throw toError(r);
        if (r.type !== 'spaces')
          throw new GovernorError('ERR_WORKER', `unexpected worker reply ${r.type}`);
        return r;
      });
      const first0 = spaces[0] as Extract<WorkerReply, { type: 'spaces' }>;
      const observationSpace = spaceFromJson(first0.observationSpace);
      const actionSpace = spaceFromJson(first0.actionSpace);
      const obsBytes = allocateObservations(observationSpace, 1).BYTES_PER_ELEMENT;
      const buffers: SharedBuffers = {
        observations: new SharedArrayBuffer(numEnvs * flatdim(observationSpace) * obsBytes),
        rewards: new SharedArrayBuffer(numEnvs * 8),
        terminated: new SharedArrayBuffer(numEnvs),
        truncated: new SharedArrayBuffer(numEnvs),
        actions: new SharedArrayBuffer(numEnvs * actionDim(actionSpace) * 8),
      };
      await Promise.all(handles.map((h) => h.request({ type: 'buffers', buffers, numEnvs })));
      return new AsyncVectorEnv(handles, observationSpace, actionSpace, autoresetMode, buffers);
    } catch (e) {
      await Promise.all(handles.map((h) => h.worker.terminate()));
      throw e;
    }
  }

  async reset(args: ResetArgs = {}): Promise<VectorResetResult> {
    const infos = await this.broadcast({
      type: 'reset',
      ...(args.seed === undefined ? {} : { seed: args.seed }),
      ...(args.options === undefined ? {} : { options: args.options }),
    });
    return { observations: this.observations, infos };
  }

  async step(actions: ArrayLike<number>): Promise<VectorStepResult> {
    if (actions.length !== this.actions.length)
      throw new InvalidActionError(
        `expected ${this.numEnvs} × ${this.actionDim} = ${this.actions.length} batched action values, got ${actions.length}`,
      );
    this.actions.set(actions);
    const infos = await this.broadcast({ type: 'step' });
    return {
      observations: this.observations,
      rewards: this.rewards,
      terminated: this.terminated,
      truncated: this.truncated,
      infos,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.handles.map((h) => h.request({ type: 'close' })));
    await Promise.all(this.handles.map((h) => h.worker.terminate()));
  }

  private async broadcast(request: WorkerRequest): Promise<Info[]> {
    if (this.closed) throw new InvalidArgumentError('AsyncVectorEnv is closed');
    if (this.busy)
      throw new InvalidArgumentError('AsyncVectorEnv: await the previous reset() or step() first');
    this.busy = true;
    try {
      // Wait for every worker, even when one fails, so no request is left in flight.
      const parts = await Promise.allSettled(this.handles.map((h) => h.request(request)));
      const infos: Info[] = [];
      for (const p of parts) {
        if (p.status === 'rejected') throw p.reason;
        infos.push(...p.value);
      }
      return infos;
    } finally {
      this.busy = false;
    }
  }
}
