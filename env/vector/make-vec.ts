import type { MakeOptions } from '../registry.js';
import { AsyncVectorEnv } from './async-vector-env.js';
import { SyncVectorEnv } from './sync-vector-env.js';
import type { AutoresetMode, VectorEnv } from './vector-env.js';

/** Options of `makeVec` (Gymnasium's `make_vec`). */
export interface MakeVecOptions {
  readonly numEnvs: number;
  /** `sync` (default) steps in this thread; `async` in worker threads. */
  readonly vectorizationMode?: 'sync' | 'async';
  /** Async only: worker threads (default one per sub-env). */
  readonly numWorkers?: number;
  /** Async only: the calling thread steps a slice too (`AsyncVectorEnvOptions.callerSteps`). */
  readonly callerSteps?: boolean;
  /** Async only: modules each worker imports before `make`. */
  readonly modules?: readonly string[];
  readonly makeOptions?: MakeOptions;
  readonly autoresetMode?: AutoresetMode;
}

/** A vector env of `numEnvs` copies of the registered env `id`. */
export async function makeVec(id: string, options: MakeVecOptions): Promise<VectorEnv> {
  const common = {
    ...(options.makeOptions === undefined ? {} : { makeOptions: options.makeOptions }),
    ...(options.autoresetMode === undefined ? {} : { autoresetMode: options.autoresetMode }),
  };
  if (options.vectorizationMode === 'async') {
    return AsyncVectorEnv.create({
      id,
      numEnvs: options.numEnvs,
      ...common,
      ...(options.numWorkers === undefined ? {} : { numWorkers: options.numWorkers }),
      ...(options.modules === undefined ? {} : { modules: options.modules }),
      ...(options.callerSteps === undefined ? {} : { callerSteps: options.callerSteps }),
    });
  }
  return SyncVectorEnv.make(id, options.numEnvs, common);
}
