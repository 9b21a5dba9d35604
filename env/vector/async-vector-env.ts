/**
 * Gymnasium's `AsyncVectorEnv` on worker_threads: sub-envs run in worker threads, several
 * per worker if asked, stepping in parallel. Sub-envs are built inside the workers from a
 * registry id, so the module that registers the id must be importable there: it is the
 * spec's `module` (or `entryPoint`), plus any `modules` given.
 *
 * Cost of a step: actions and results travel through SharedArrayBuffers, and a step is
 * signalled through shared control words with `Atomics` (worker-protocol.ts), so no
 * message is sent or cloned. A step's `infos` stay in the workers until read: the first
 * read of `result.infos` fetches them (a short synchronous round trip to each worker), so
 * read them before the next `step()` or `reset()` — after it they are gone, and reading
 * them throws. `reset()` returns its infos at once.
 *
 * Determinism: sub-env i is seeded `seed + i` whatever the number of workers, so an
 * AsyncVectorEnv and a SyncVectorEnv with the same seed and actions give identical
 * trajectories. Always `close()`: it terminates the workers. Idle workers do not keep
 * the process alive.
 *
 * With `callerSteps` the calling thread steps the first slice itself (see the option).
 */
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort, ResourceLimits } from 'node:worker_threads';
import {
  GovernorError,
  InvalidActionError,
  InvalidArgumentError,
  ResetNeededError,
} from '../../sim-cluster/errors.js';
import type { Env, Info, ResetArgs } from '../env.js';
import { loadEntryPoint, make, spec } from '../registry.js';
import type { MakeOptions } from '../registry.js';
import { flatdim, spaceFromJson } from '../spaces/flatten.js';
import type { Space } from '../spaces/space.js';
import { EnvBatch, actionDim, allocateObservations } from './env-batch.js';
import {
  COMMAND,
  CONTROL_WORDS,
  Command,
  DONE,
  FINISHED,
  GROUP_WORDS,
  REQUEST,
  STATUS,
  Status,
  spinForChange,
  waitForChange,
  waitForChangeAsync,
} from './worker-protocol.js';
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
  /**
   * V8 heap limits of each worker (Node's `Worker` option), e.g. a larger
   * `maxYoungGenerationSizeMb` for fewer, longer scavenges. Default: Node's.
   */
  readonly resourceLimits?: ResourceLimits;
  /**
   * Most times the last worker to finish a step polls for the next command before it
   * sleeps (`SpinBudget` in worker-protocol.ts; adaptive, never more than this), e.g.
   * 100,000 (about 0.75 ms on the 2-core VM); with `callerSteps`, also how often the
   * calling thread polls for the workers. Default 0 (workers always sleep at once:
   * polling's gain in this mode is not established, see env/README.md); 1,000,000 with
   * `callerSteps`.
   */
  readonly spinChecks?: number;
  /**
   * Whether the calling thread steps a slice of the sub-envs itself (default false). With
   * `callerSteps`, `numWorkers` counts the threads that step sub-envs, the calling thread
   * being the first of them: `numWorkers − 1` worker threads are started, and `step()`
   * steps slice 0 before it resolves, so the calling thread is busy during the step
   * instead of free for other work. Why: on two cores, two stepping threads (the caller
   * and one worker) need no third thread's wake-up per step; the caller polls for the
   * worker when its own slice is done, and the worker polls for the next command
   * (`spinChecks` defaults to 1,000,000 in this mode). Trajectories, infos and autoreset
   * are the same as in the default mode (sub-env i is seeded `seed + i` either way). The
   * calling thread must be able to build the sub-envs: the spec's module, the lazy entry
   * point and `modules` are imported there too.
   */
  readonly callerSteps?: boolean;
}

function toError(reply: Extract<WorkerReply, { type: 'error' }>): Error {
  if (reply.code === 'ERR_INVALID_ACTION') return new InvalidActionError(reply.message);
  if (reply.code === 'ERR_RESET_NEEDED') return new ResetNeededError(reply.message);
  if (reply.code !== undefined) return new GovernorError(reply.code, reply.message);
  const e = new Error(reply.message);
  e.name = reply.name;
  return e;
}

/** How long a synchronous infos fetch waits for a worker before giving up. */
const INFOS_TIMEOUT_MS = 60_000;
/** `callerSteps`: how long the caller blocks for a worker before it waits on its event loop. */
const BLOCKING_WAIT_MS = 20;
/**
 * `callerSteps`: the default `spinChecks` (about 7 ms of polling on the 2-core VM). The
 * worker's wait is the caller's lag plus the caller's work between steps: with 100,000
 * (under 1 ms) the worker slept on 39-43% of the steps (the budget halves on each miss),
 * with 1,000,000 on 0.1% (27 Nov, traces of 2 × 8 under load 2-5).
 */
const CALLER_SPIN_CHECKS = 1_000_000;

/**
 * One worker thread: its start-up requests over `parentPort`, then its commands over the
 * control words and the private channel (worker-protocol.ts).
 */
class WorkerHandle {
  private pending: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  readonly firstReply: Promise<WorkerReply>;
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  private readonly channel = new MessageChannel();
  /** Commands sent so far (the value of `REQUEST`). */
  private sent = 0;

  constructor(readonly worker: Worker) {
    this.firstReply = this.expectReply();
    worker.on('message', (reply: WorkerReply) => this.settle((p) => p.resolve(reply)));
    worker.on('error', (e: Error) => {
      this.failure = e;
      this.settle((p) => p.reject(e));
      this.wakeWaiter();
    });
    worker.on('exit', (code) => {
      this.failure ??= new GovernorError(
        'ERR_WORKER_EXIT',
        `vector env worker exited with code ${code}`,
      );
      this.settle((p) => p.reject(this.failure as Error));
      this.wakeWaiter();
    });
  }

  /** Sends the shared buffers with this worker's control words and channel end. */
  sendBuffers(
    buffers: SharedBuffers,
    numEnvs: number,
    group: Int32Array,
    numWorkers: number,
    spinChecks: number,
  ): Promise<readonly Info[]> {
    const channel: MessagePort = this.channel.port2;
    return this.request(
      {
        type: 'buffers',
        buffers,
        numEnvs,
        control: this.control.buffer as SharedArrayBuffer,
        channel,
        group: group.buffer as SharedArrayBuffer,
        numWorkers,
        spinChecks,
      },
      [channel],
    );
  }

  /** A dead worker never sets `DONE`: do it for it, so a pending wait ends. */
  private wakeWaiter(): void {
    Atomics.store(this.control, STATUS, Status.Dead);
    Atomics.store(this.control, DONE, this.sent);
    Atomics.notify(this.control, DONE);
  }

  /** Posts `message` (if any) on the channel and signals `command`; returns its number. */
  signal(command: Command, message?: WorkerRequest): number {
    if (this.failure !== undefined) throw this.failure;
    // Replies nobody read (a reset that failed in another worker) must not answer this one.
    while (receiveMessageOnPort(this.channel.port1) !== undefined);
    if (message !== undefined) this.channel.port1.postMessage(message);
    Atomics.store(this.control, COMMAND, command);
    Atomics.store(this.control, REQUEST, ++this.sent);
    Atomics.notify(this.control, REQUEST);
    return this.sent;
  }

  /** Signals `command` and resolves once the worker has done it (rejects with its error). */
  async command(command: Command, message?: WorkerRequest): Promise<void> {
    const n = this.signal(command, message);
    if (Atomics.load(this.control, DONE) === n - 1) {
      // A pending waitAsync does not keep the process alive; a ref'd worker does.
      this.worker.ref();
      try {
        await waitForChangeAsync(this.control, DONE, n - 1);
      } finally {
        this.worker.unref();
      }
    }
    this.checkStatus();
  }

  /**
   * Resolves once the worker has done command `n` (from `signal`), waiting the way a
   * thread that just finished its own slice should: it polls up to `spinChecks` times,
   * then blocks for up to `BLOCKING_WAIT_MS`, and only then waits on the event loop
   * (which is slower to wake, but the only wait during which a dead worker's exit event
   * can reach `wakeWaiter`).
   */
  async finish(n: number, spinChecks: number): Promise<void> {
    const seen = n - 1;
    if (
      spinForChange(this.control, DONE, seen, spinChecks) === undefined &&
      waitForChange(this.control, DONE, seen, BLOCKING_WAIT_MS) === undefined
    ) {
      this.worker.ref();
      try {
        await waitForChangeAsync(this.control, DONE, seen);
      } finally {
        this.worker.unref();
      }
    }
    this.checkStatus();
  }

  /** Blocks this thread until the worker has done command `n` (from `signal`). */
  awaitSync(n: number): void {
    if (waitForChange(this.control, DONE, n - 1, INFOS_TIMEOUT_MS) === undefined)
      throw new GovernorError(
        'ERR_WORKER',
        `vector env worker did not answer within ${INFOS_TIMEOUT_MS / 1000} s`,
      );
    this.checkStatus();
  }

  /** The reply the last command posted on the channel. */
  reply(): readonly Info[] {
    const r = receiveMessageOnPort(this.channel.port1)?.message as WorkerReply | undefined;
    if (r?.type !== 'ok')
      throw new GovernorError('ERR_WORKER', `unexpected worker reply ${r?.type ?? '(none)'}`);
    return r.infos;
  }

  private checkStatus(): void {
    const status = Atomics.load(this.control, STATUS);
    if (status === Status.Ok) return;
    if (status === Status.Dead || this.failure !== undefined)
      throw this.failure ?? new GovernorError('ERR_WORKER_EXIT', 'vector env worker died');
    const r = receiveMessageOnPort(this.channel.port1)?.message as WorkerReply | undefined;
    if (r?.type === 'error') throw toError(r);
    throw new GovernorError('ERR_WORKER', `unexpected worker reply ${r?.type ?? '(none)'}`);
  }

  /** Stops the worker; the channel goes with it. */
  async terminate(): Promise<void> {
    this.channel.port1.close();
    await this.worker.terminate();
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

  /** Start-up: sends `request` on `parentPort`; resolves with the reply's infos. */
  async request(
    request: WorkerRequest,
    transfer: readonly MessagePort[] = [],
  ): Promise<readonly Info[]> {
    const reply = this.expectReply();
    this.worker.postMessage(request, transfer);
    const r = await reply;
    if (r.type === 'error') throw toError(r);
    if (r.type !== 'ok') throw new GovernorError('ERR_WORKER', `unexpected worker reply ${r.type}`);
    return r.infos;
  }
}

/** Builds the calling thread's slice (`callerSteps`) the way a worker builds its own. */
async function buildCallerEnvs(
  id: string,
  modules: readonly string[],
  makeOptions: MakeOptions,
  count: number,
): Promise<Env[]> {
  for (const m of modules) await import(m);
  await loadEntryPoint(id);
  return Array.from({ length: count }, () => make(id, makeOptions));
}

/** The sub-envs of the calling thread (`callerSteps`) and how long it polls for workers. */
interface CallerSlice {
  readonly envs: readonly Env[];
  readonly spinChecks: number;
}

/**
 * A `VectorEnv` whose sub-envs run in worker threads (see the module comment), or with
 * `callerSteps` partly in the calling thread. Build it with `AsyncVectorEnv.create` (or
 * `makeVec(id, {vectorizationMode: 'async'})`); one `reset` or `step` may be in flight at
 * a time; `close()` terminates the workers.
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
  /** `callerSteps`: the slice stepped in this thread (sub-envs 0 … k − 1). */
  private readonly local: EnvBatch | undefined;
  private readonly callerSpinChecks: number;
  /** Infos of the local slice's last step or reset. */
  private localInfos: readonly Info[] = [];
  private busy = false;
  private closed = false;
  /** Counts steps and resets: a step's lazy infos are valid while this is unchanged. */
  private generation = 0;

  private constructor(
    private readonly handles: readonly WorkerHandle[],
    readonly singleObservationSpace: Space<unknown>,
    readonly singleActionSpace: Space<unknown>,
    readonly autoresetMode: AutoresetMode,
    buffers: SharedBuffers,
    /** Shared by the workers: who finished the current step (worker-protocol.ts). */
    private readonly group: Int32Array,
    caller: CallerSlice | undefined,
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
    this.local =
      caller === undefined
        ? undefined
        : new EnvBatch(
            caller.envs,
            {
              observations: this.observations,
              rewards: this.rewards,
              terminated: this.terminated,
              truncated: this.truncated,
            },
            0,
            autoresetMode,
          );
    this.callerSpinChecks = caller?.spinChecks ?? 0;
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
    const callerSteps = options.callerSteps ?? false;
    const spinChecks = options.spinChecks ?? (callerSteps ? CALLER_SPIN_CHECKS : 0);
    if (!Number.isSafeInteger(spinChecks) || spinChecks < 0)
      throw new InvalidArgumentError(
        `spinChecks must be a non-negative integer, got ${spinChecks}`,
      );
    const s = spec(id);
    const autoresetMode = options.autoresetMode ?? 'next-step';
    const counts = Array.from(
      { length: numWorkers },
      (_, w) => Math.floor(numEnvs / numWorkers) + (w < numEnvs % numWorkers ? 1 : 0),
    );
    // What every stepping thread imports before `make`: the spec's module and `modules`.
    const modules = [...(s.module === undefined ? [] : [s.module]), ...(options.modules ?? [])];
    const handles: WorkerHandle[] = [];
    let first = callerSteps ? counts[0]! : 0;
    for (let w = callerSteps ? 1 : 0; w < numWorkers; w++) {
      const setup: WorkerSetup = {
        id,
        modules,
        ...(s.entryPoint === undefined ? {} : { entryPoint: s.entryPoint }),
        ...(s.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: s.maxEpisodeSteps }),
        makeOptions: options.makeOptions ?? {},
        first,
        count: counts[w]!,
        autoresetMode,
      };
      handles.push(
        new WorkerHandle(
          new Worker(new URL('./async-worker.js', import.meta.url), {
            workerData: setup,
            ...(options.resourceLimits === undefined
              ? {}
              : { resourceLimits: options.resourceLimits }),
          }),
        ),
      );
      first += counts[w]!;
    }
    let callerEnvs: Env[] | undefined;
    try {
      // The calling thread builds its slice while the workers build theirs.
      if (callerSteps)
        callerEnvs = await buildCallerEnvs(id, modules, options.makeOptions ?? {}, counts[0]!);
      const replies = await Promise.all(handles.map((h) => h.firstReply));
      const spaces = replies.map((r) => {
        if (r.type === 'error') throw toError(r);
        if (r.type !== 'spaces')
          throw new GovernorError('ERR_WORKER', `unexpected worker reply ${r.type}`);
        return r;
      });
      const env0 = callerEnvs?.[0];
      const json =
        env0 === undefined
          ? (spaces[0] as Extract<WorkerReply, { type: 'spaces' }>)
          : {
              observationSpace: env0.observationSpace.toJson(),
              actionSpace: env0.actionSpace.toJson(),
            };
      for (const r of spaces)
        if (
          JSON.stringify([r.observationSpace, r.actionSpace]) !==
          JSON.stringify([json.observationSpace, json.actionSpace])
        )
          throw new GovernorError(
            'ERR_WORKER',
            `the sub-envs of ${id} have different spaces in different threads`,
          );
      const observationSpace = spaceFromJson(json.observationSpace);
      const actionSpace = spaceFromJson(json.actionSpace);
      const obsBytes = allocateObservations(observationSpace, 1).BYTES_PER_ELEMENT;
      const buffers: SharedBuffers = {
        observations: new SharedArrayBuffer(numEnvs * flatdim(observationSpace) * obsBytes),
        rewards: new SharedArrayBuffer(numEnvs * 8),
        terminated: new SharedArrayBuffer(numEnvs),
        truncated: new SharedArrayBuffer(numEnvs),
        actions: new SharedArrayBuffer(numEnvs * actionDim(actionSpace) * 8),
      };
      const group = new Int32Array(new SharedArrayBuffer(GROUP_WORDS * 4));
      await Promise.all(
        handles.map((h) => h.sendBuffers(buffers, numEnvs, group, handles.length, spinChecks)),
      );
      return new AsyncVectorEnv(
        handles,
        observationSpace,
        actionSpace,
        autoresetMode,
        buffers,
        group,
        callerEnvs === undefined ? undefined : { envs: callerEnvs, spinChecks },
      );
    } catch (e) {
      for (const env of callerEnvs ?? []) env.close();
      await Promise.all(handles.map((h) => h.terminate()));
      throw e;
    }
  }

  async reset(args: ResetArgs = {}): Promise<VectorResetResult> {
    const request: WorkerRequest = {
      type: 'reset',
      ...(args.seed === undefined ? {} : { seed: args.seed }),
      ...(args.options === undefined ? {} : { options: args.options }),
    };
    await this.broadcast(Command.Message, request, (local) => local.reset(args.seed, args.options));
    return {
      observations: this.observations,
      infos: [...this.localInfos, ...this.handles.flatMap((h) => h.reply())],
    };
  }

  async step(actions: ArrayLike<number>): Promise<VectorStepResult> {
    if (actions.length !== this.actions.length)
      throw new InvalidActionError(
        `expected ${this.numEnvs} × ${this.actionDim} = ${this.actions.length} batched action values, got ${actions.length}`,
      );
    this.actions.set(actions);
    await this.broadcast(Command.Step, undefined, (local) => local.step(this.actions));
    const generation = this.generation;
    const fetch = (): readonly Info[] => this.fetchInfos(generation);
    let infos: readonly Info[] | undefined;
    return {
      observations: this.observations,
      rewards: this.rewards,
      terminated: this.terminated,
      truncated: this.truncated,
      get infos(): readonly Info[] {
        return (infos ??= fetch());
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.generation++;
    const close: WorkerRequest = { type: 'close' };
    await Promise.allSettled(this.handles.map((h) => h.command(Command.Message, close)));
    await Promise.all(this.handles.map((h) => h.terminate()));
    this.local?.close();
  }

  /** The infos of step `generation`, fetched from every worker (see the module comment). */
  private fetchInfos(generation: number): Info[] {
    if (generation !== this.generation || this.busy)
      throw new InvalidArgumentError(
        'AsyncVectorEnv: the infos of a step stay in the workers until read; read them before the next step() or reset()',
      );
    // Ask every worker first, so they serialise their infos in parallel.
    const sent = this.handles.map((h) => h.signal(Command.Infos));
    const infos: Info[] = [...this.localInfos];
    this.handles.forEach((h, w) => {
      h.awaitSync(sent[w]!);
      infos.push(...h.reply());
    });
    return infos;
  }

  /**
   * Has every worker do `command`; with `callerSteps`, `local` does the calling thread's
   * share meanwhile (its infos are kept for `infos`).
   */
  private async broadcast(
    command: Command,
    request: WorkerRequest | undefined,
    local: (batch: EnvBatch) => Info[],
  ): Promise<void> {
    if (this.closed) throw new InvalidArgumentError('AsyncVectorEnv is closed');
    if (this.busy)
      throw new InvalidArgumentError('AsyncVectorEnv: await the previous reset() or step() first');
    this.busy = true;
    this.generation++;
    // Every worker finished the last command (waited for below), so no count is pending.
    Atomics.store(this.group, FINISHED, 0);
    try {
      if (this.local === undefined) {
        // Wait for every worker, even when one fails, so no command is left in flight.
        const parts = await Promise.allSettled(
          this.handles.map((h) => h.command(command, request)),
        );
        for (const p of parts) if (p.status === 'rejected') throw p.reason;
        return;
      }
      // Signal the workers first, so they work while this thread does its own slice.
      const sent = this.handles.map((h) => {
        try {
          return h.signal(command, request);
        } catch (e) {
          return { error: e };
        }
      });
      let failure: { error: unknown } | undefined;
      this.localInfos = [];
      try {
        this.localInfos = local(this.local);
      } catch (error) {
        failure = { error };
      }
      const parts = await Promise.allSettled(
        this.handles.map((h, w) => {
          const n = sent[w]!;
          return typeof n === 'number'
            ? h.finish(n, this.callerSpinChecks)
            : Promise.reject(n.error);
        }),
      );
      // Sub-env order: the calling thread's slice (sub-envs 0 … k − 1) fails first.
      if (failure !== undefined) throw failure.error;
      for (const p of parts) if (p.status === 'rejected') throw p.reason;
    } finally {
      this.busy = false;
    }
  }
}
