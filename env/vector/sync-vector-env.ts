import { InvalidActionError, InvalidArgumentError } from '../../sim-cluster/errors.js';
import type { Env, Info, ResetArgs } from '../env.js';
import { make } from '../registry.js';
import type { MakeOptions } from '../registry.js';
import { flatdim } from '../spaces/flatten.js';
import type { Space } from '../spaces/space.js';
import { EnvBatch, actionDim, allocateObservations } from './env-batch.js';
import type {
  AutoresetMode,
  VectorEnv,
  VectorResetResult,
  VectorStepResult,
} from './vector-env.js';

/** Options of a vector env. */
export interface VectorEnvOptions {
  /** Default `next-step`, as in Gymnasium 1.x. */
  readonly autoresetMode?: AutoresetMode;
}

/**
 * Steps its sub-envs one after another in the calling thread (Gymnasium's
 * `SyncVectorEnv`). Besides the async `VectorEnv` methods it offers `resetSync` and
 * `stepSync`. Every sub-env must have the same observation and action spaces.
 */
export class SyncVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly obsDim: number;
  readonly actionDim: number;
  readonly autoresetMode: AutoresetMode;
  private readonly batch: EnvBatch;
  private readonly observations;
  private readonly rewards: Float64Array;
  private readonly terminated: Uint8Array;
  private readonly truncated: Uint8Array;
  private closed = false;

  /** `envFns[i]()` builds sub-env i. */
  constructor(envFns: readonly (() => Env)[], options: VectorEnvOptions = {}) {
    const envs = envFns.map((fn) => fn());
    const env0 = envs[0];
    if (env0 === undefined) throw new InvalidArgumentError('SyncVectorEnv needs at least one env');
    this.numEnvs = envs.length;
    this.singleObservationSpace = env0.observationSpace;
    this.singleActionSpace = env0.actionSpace;
    for (const [i, e] of envs.entries()) {
      const same =
        JSON.stringify(e.observationSpace.toJson()) ===
          JSON.stringify(env0.observationSpace.toJson()) &&
        JSON.stringify(e.actionSpace.toJson()) === JSON.stringify(env0.actionSpace.toJson());
      if (!same) throw new InvalidArgumentError(`sub-env ${i} has different spaces from sub-env 0`);
    }
    this.obsDim = flatdim(this.singleObservationSpace);
    this.actionDim = actionDim(this.singleActionSpace);
    this.autoresetMode = options.autoresetMode ?? 'next-step';
    this.observations = allocateObservations(this.singleObservationSpace, this.numEnvs);
    this.rewards = new Float64Array(this.numEnvs);
    this.terminated = new Uint8Array(this.numEnvs);
    this.truncated = new Uint8Array(this.numEnvs);
    const buffers = {
      observations: this.observations,
      rewards: this.rewards,
      terminated: this.terminated,
      truncated: this.truncated,
    };
    this.batch = new EnvBatch(envs, buffers, 0, this.autoresetMode);
  }

  /** `numEnvs` copies of the registered env `id`, each built by `make(id, makeOptions)`. */
  static make(
    id: string,
    numEnvs: number,
    options: VectorEnvOptions & { makeOptions?: MakeOptions } = {},
  ): SyncVectorEnv {
    if (!Number.isSafeInteger(numEnvs) || numEnvs < 1)
      throw new InvalidArgumentError(`numEnvs must be a positive integer, got ${numEnvs}`);
    const fns = Array.from({ length: numEnvs }, () => () => make(id, options.makeOptions));
    return new SyncVectorEnv(fns, options);
  }

  /** The sub-envs, for inspection (do not step them directly). */
  get envs(): readonly Env[] {
    return this.batch.envs;
  }

  resetSync(args: ResetArgs = {}): VectorResetResult {
    this.assertOpen();
    const infos: Info[] = this.batch.reset(args.seed, args.options);
    return { observations: this.observations, infos };
  }

  stepSync(actions: ArrayLike<number>): VectorStepResult {
    this.assertOpen();
    if (actions.length !== this.numEnvs * this.actionDim)
      throw new InvalidActionError(
        `expected ${this.numEnvs} × ${this.actionDim} = ${this.numEnvs * this.actionDim} batched action values, got ${actions.length}`,
      );
    const infos = this.batch.step(actions);
    return {
      observations: this.observations,
      rewards: this.rewards,
      terminated: this.terminated,
      truncated: this.truncated,
      infos,
    };
  }

  reset(args?: ResetArgs): Promise<VectorResetResult> {
    return Promise.resolve().then(() => this.resetSync(args));
  }

  step(actions: ArrayLike<number>): Promise<VectorStepResult> {
    return Promise.resolve().then(() => this.stepSync(actions));
  }

  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    this.batch.close();
  }

  close(): Promise<void> {
    this.closeSync();
    return Promise.resolve();
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidArgumentError('SyncVectorEnv is closed');
  }
}
