/**
 * Messages between `AsyncVectorEnv` and its workers. Every request gets exactly one
 * reply; a worker handles one request at a time.
 *
 * Start-up (spaces, then buffers) goes through the worker's `parentPort`. After that the
 * worker serves a loop blocked in `Atomics.wait` on its control words: the main thread
 * writes a `Command`, bumps `REQUEST` and notifies; the worker does the command, writes
 * `STATUS`, sets `DONE` to the request's number and notifies. A step moves nothing but
 * these words (actions and results are in the shared buffers). Anything of variable size
 * — reset arguments, infos, errors — travels over a private `MessageChannel` and is read
 * synchronously on the other side (`receiveMessageOnPort`), so neither thread's event
 * loop sits on a step's path.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Info } from '../env.js';
import type { EntryPoint, MakeOptions } from '../registry.js';
import type { SpaceJson } from '../spaces/space.js';
import type { AutoresetMode } from './vector-env.js';

/** What a worker is started with (`workerData`). */
export interface WorkerSetup {
  readonly id: string;
  /** Modules to import before `make` (they register envs); the env index is always imported. */
  readonly modules: readonly string[];
  /** The id's lazy entry point, registered in the worker if no module registered the id. */
  readonly entryPoint?: EntryPoint;
  readonly maxEpisodeSteps?: number;
  readonly makeOptions: MakeOptions;
  /** Global index of the worker's first sub-env, and how many it runs. */
  readonly first: number;
  readonly count: number;
  readonly autoresetMode: AutoresetMode;
}

/** The shared result and action buffers, sized for all sub-envs. */
export interface SharedBuffers {
  readonly observations: SharedArrayBuffer;
  readonly rewards: SharedArrayBuffer;
  readonly terminated: SharedArrayBuffer;
  readonly truncated: SharedArrayBuffer;
  readonly actions: SharedArrayBuffer;
}

/** Indices of a worker's control words (an Int32Array over `Buffers.control`). */
export const REQUEST = 0;
export const DONE = 1;
export const COMMAND = 2;
export const STATUS = 3;
export const CONTROL_WORDS = 4;

/**
 * Index of the word shared by all workers of a vector env: how many have finished the
 * current step (the main thread zeroes it before each broadcast).
 */
export const FINISHED = 0;
export const GROUP_WORDS = 1;

/** What the main thread asks through the control words. */
export const enum Command {
  /** Step the worker's sub-envs with the actions in the shared buffer; keep their infos. */
  Step = 1,
  /** Post the infos of the last step (or reset) on the channel. */
  Infos = 2,
  /** Read a `WorkerRequest` (reset or close) from the channel, do it and post the reply. */
  Message = 3,
}

/** `STATUS` after a command: `Failed` means an error reply waits on the channel. */
export const enum Status {
  Ok = 0,
  Failed = 1,
  /** Set by the main thread when the worker died, to wake its own waiter. */
  Dead = 2,
}

/** `Atomics.waitAsync` (ES2024, in Node since 16); the ES2022 lib does not declare it. */
const atomics = Atomics as typeof Atomics & {
  waitAsync(
    array: Int32Array,
    index: number,
    value: number,
  ): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<string> };
};

/*
 * Why the waits below loop: a wake-up proves nothing. The other thread stores a word and
 * then notifies; if it is preempted between the two, this thread may see the new value
 * without sleeping, move on, and start waiting for the *next* change — and the late
 * notify then wakes that wait although the word has not changed yet (a stale wake-up).
 * Trusting it made a worker redo a command or the main thread read a reply not yet
 * posted ("unexpected worker reply (none)"). So every wait re-reads the word.
 */

/**
 * Blocks until `control[index]` differs from `seen`; returns the new value, or undefined
 * when a wait of `timeoutMs` passes with no wake-up (a stale wake-up restarts it: the
 * timeout is a safety net, not a deadline). Only where blocking is allowed (workers; the
 * main thread briefly).
 */
export function waitForChange(
  control: Int32Array,
  index: number,
  seen: number,
  timeoutMs = Infinity,
): number | undefined {
  for (;;) {
    const value = Atomics.load(control, index);
    if (value !== seen) return value;
    if (Atomics.wait(control, index, seen, timeoutMs) === 'timed-out') return undefined;
  }
}

/**
 * Polls `control[index]` up to `checks` times without sleeping; returns the new value as
 * soon as it differs from `seen`, or undefined if it never did.
 */
export function spinForChange(
  control: Int32Array,
  index: number,
  seen: number,
  checks: number,
): number | undefined {
  for (let k = 0; k < checks; k++) {
    const value = Atomics.load(control, index);
    if (value !== seen) return value;
  }
  return undefined;
}

/**
 * How long the last worker to finish a step polls for the next command before sleeping.
 * Why poll at all: waking a thread asleep in `Atomics.wait` took 0.1-0.6 ms on the 2-vCPU
 * VM (a futex wake of a halted vCPU), a large share of a 1-2 ms step, while the next
 * command usually follows the last worker's result within about 0.1 ms. Only the last
 * worker polls: when all did, the main thread found no free core. Polling that misses
 * (the caller does other work between steps, e.g. a policy update) halves the budget; when
 * it falls below 1/16 of the maximum the worker sleeps at once for the next
 * `COOLDOWN_STEPS` steps, then tries the full budget again.
 */
export class SpinBudget {
  static readonly COOLDOWN_STEPS = 64;
  private checks: number;
  private cooldown = 0;

  constructor(private readonly max: number) {
    this.checks = max;
  }

  /** Polls allowed for the coming wait (0: sleep at once). */
  next(): number {
    if (this.cooldown > 0) {
      this.cooldown--;
      return 0;
    }
    return this.checks;
  }

  /** Whether a wait given a non-zero budget saw its command while polling. */
  record(caught: boolean): void {
    if (caught) {
      this.checks = this.max;
      return;
    }
    this.checks >>= 1;
    if (this.checks < this.max / 16) {
      this.checks = this.max;
      this.cooldown = SpinBudget.COOLDOWN_STEPS;
    }
  }
}

/** Resolves once `control[index]` differs from `seen`, with the new value. */
export async function waitForChangeAsync(
  control: Int32Array,
  index: number,
  seen: number,
): Promise<number> {
  for (;;) {
    const wait = atomics.waitAsync(control, index, seen);
    if (wait.async) await wait.value;
    const value = Atomics.load(control, index);
    if (value !== seen) return value;
  }
}

/** Main thread → worker. `buffers` comes once, after the worker reported its spaces. */
export type WorkerRequest =
  | {
      readonly type: 'buffers';
      readonly buffers: SharedBuffers;
      readonly numEnvs: number;
      /** `CONTROL_WORDS` Int32 words of this worker. */
      readonly control: SharedArrayBuffer;
      /** The worker's end of its private channel (transferred). */
      readonly channel: MessagePort;
      /** `GROUP_WORDS` Int32 words shared by all workers. */
      readonly group: SharedArrayBuffer;
      readonly numWorkers: number;
      /** The maximum polls of `SpinBudget` (0: never poll). */
      readonly spinChecks: number;
    }
  | {
      readonly type: 'reset';
      readonly seed?: number;
      readonly options?: Readonly<Record<string, unknown>>;
    }
  | { readonly type: 'close' };

/** Worker → main thread: `spaces` once at start-up, then one `ok` or `error` per request. */
export type WorkerReply =
  | {
      readonly type: 'spaces';
      readonly observationSpace: SpaceJson;
      readonly actionSpace: SpaceJson;
    }
  | { readonly type: 'ok'; readonly infos: readonly Info[] }
  | {
      readonly type: 'error';
      readonly name: string;
      readonly code?: string;
      readonly message: string;
    };
