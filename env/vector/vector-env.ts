/**
 * The vector env contract (Gymnasium 1.x's `VectorEnv`): `numEnvs` sub-envs stepped
 * together, with batched, preallocated buffers and an explicit autoreset mode.
 *
 * Layouts: observations are one typed array of `numEnvs × obsDim` (each sub-env's
 * observation flattened, see `flatten`); actions are one array of `numEnvs × actionDim`
 * numbers (`actionDim` is 1 for Discrete, the size for Box, the length for MultiDiscrete
 * and MultiBinary). The result buffers are reused: the next `step` or `reset` overwrites
 * them, so copy what you keep.
 *
 * Seeding: `reset({seed})` seeds sub-env `i` with `seed + i`.
 */
import type { Info, ResetArgs } from '../env.js';
import type { Space } from '../spaces/space.js';

/**
 * `next-step` (default): the step after a sub-env's episode ended resets it and returns
 * its reset observation with reward 0 and both flags false. `same-step`: the sub-env is
 * reset within the step that ended it; the returned observation is the reset one, and
 * `info.finalObservation` / `info.finalInfo` hold the last observation and info.
 */
export type AutoresetMode = 'next-step' | 'same-step';

/** Batched observations: Float64Array when the observation space is a float64 Box. */
export type ObservationBatch = Float32Array | Float64Array;

/** What `VectorEnv.reset` resolves to. */
export interface VectorResetResult {
  /** `numEnvs × obsDim`, row i is sub-env i's observation. Reused between calls. */
  readonly observations: ObservationBatch;
  readonly infos: readonly Info[];
}

/** What `VectorEnv.step` resolves to; row i of each buffer belongs to sub-env i. */
export interface VectorStepResult {
  /** `numEnvs × obsDim`, row i is sub-env i's observation. Reused between calls. */
  readonly observations: ObservationBatch;
  /** One reward per sub-env. Reused between calls. */
  readonly rewards: Float64Array;
  /** 1 where the sub-env's episode terminated this step. Reused between calls. */
  readonly terminated: Uint8Array;
  /** 1 where the sub-env's episode was truncated this step. Reused between calls. */
  readonly truncated: Uint8Array;
  readonly infos: readonly Info[];
}

/** A batch of envs of one kind. Lifecycle as `Env`: reset, step…, close. */
export interface VectorEnv {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  /** Numbers per flattened observation. */
  readonly obsDim: number;
  /** Numbers per action in the batched action layout. */
  readonly actionDim: number;
  readonly autoresetMode: AutoresetMode;
  /** Resets every sub-env (sub-env i with `seed + i` when a seed is given). */
  reset(args?: ResetArgs): Promise<VectorResetResult>;
  /** Steps every sub-env with its row of `actions` (`numEnvs × actionDim`). */
  step(actions: ArrayLike<number>): Promise<VectorStepResult>;
  /** Closes every sub-env (and terminates workers). Idempotent. */
  close(): Promise<void>;
}
