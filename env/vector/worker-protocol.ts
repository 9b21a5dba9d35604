/**
 * Messages between `AsyncVectorEnv` and its workers. Every request gets exactly one
 * reply; a worker handles one request at a time.
 */
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

/** Main thread → worker. `buffers` comes once, after the worker reported its spaces. */
export type WorkerRequest =
  | { readonly type: 'buffers'; readonly buffers: SharedBuffers; readonly numEnvs: number }
  | {
      readonly type: 'reset';
      readonly seed?: number;
      readonly options?: Readonly<Record<string, unknown>>;
    }
  | { readonly type: 'step' }
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
