/**
 * The kernel shared by `SyncVectorEnv` and the `AsyncVectorEnv` workers: a contiguous
 * slice of sub-envs that reads its actions from, and writes its results into, batched
 * buffers (plain typed arrays, or views of SharedArrayBuffers in workers).
 */
import { InvalidActionError, InvalidArgumentError } from '../../sim-cluster/errors.js';
import type { Env, Info } from '../env.js';
import { Box } from '../spaces/box.js';
import { Discrete, MultiBinary, MultiDiscrete } from '../spaces/discrete.js';
import { flatdim, flattenInto } from '../spaces/flatten.js';
import type { Space } from '../spaces/space.js';
import type { AutoresetMode, ObservationBatch } from './vector-env.js';

/** Numbers per action in the batched action layout of `space`. */
export function actionDim(space: Space<unknown>): number {
  if (space instanceof Discrete) return 1;
  if (space instanceof Box) return space.size;
  if (space instanceof MultiDiscrete) return space.nvec.length;
  if (space instanceof MultiBinary) return space.n;
  throw new InvalidArgumentError(
    `vector envs support Box, Discrete, MultiDiscrete and MultiBinary actions, got ${space.describe()}`,
  );
}

/** The batched observation buffer for `numEnvs` envs with observation space `space`. */
export function allocateObservations(
  space: Space<unknown>,
  numEnvs: number,
  buffer?: SharedArrayBuffer,
): ObservationBatch {
  const length = numEnvs * flatdim(space);
  const f64 = space instanceof Box && space.dtype === 'float64';
  if (buffer !== undefined)
    return f64 ? new Float64Array(buffer, 0, length) : new Float32Array(buffer, 0, length);
  return f64 ? new Float64Array(length) : new Float32Array(length);
}

/** Result buffers of a vector env; the batch writes rows `first … first + envs.length - 1`. */
export interface BatchBuffers {
  readonly observations: ObservationBatch;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
}

/** Builds per-env action objects from rows of the batched action array, reusing scratch buffers. */
function actionReader(space: Space<unknown>): (actions: ArrayLike<number>, row: number) => unknown {
  const dim = actionDim(space);
  if (space instanceof Discrete) return (actions, row) => actions[row];
  const scratch =
    space instanceof Box
      ? space.allocate()
      : space instanceof MultiDiscrete
        ? new Int32Array(dim)
        : new Uint8Array(dim);
  return (actions, row) => {
    // Copying into one scratch buffer per env avoids an allocation per step; envs must
    // not keep a reference to the action they are given.
    for (let j = 0; j < dim; j++) scratch[j] = actions[row * dim + j] as number;
    return scratch;
  };
}

/**
 * Sub-envs `first … first + envs.length - 1` of a vector env, with the autoreset logic of
 * Gymnasium 1.x (see `AutoresetMode`). Lifecycle: `reset`, then `step`…, then `close`.
 */
export class EnvBatch {
  private readonly obsDim: number;
  private readonly readers: ((actions: ArrayLike<number>, row: number) => unknown)[];
  /** 1 where the sub-env's episode ended and `next-step` autoreset is pending. */
  private readonly needsReset: Uint8Array;

  constructor(
    readonly envs: readonly Env[],
    private readonly buffers: BatchBuffers,
    /** Global index of `envs[0]` (seeding uses `seed + global index`). */
    readonly first: number,
    readonly autoresetMode: AutoresetMode,
  ) {
    const env0 = envs[0];
    if (env0 === undefined)
      throw new InvalidArgumentError('a vector env needs at least one sub-env');
    this.obsDim = flatdim(env0.observationSpace);
    this.readers = envs.map((e) => actionReader(e.actionSpace));
    this.needsReset = new Uint8Array(envs.length);
  }

  /** Resets every env of the slice and writes their observations; returns their infos. */
  reset(seed: number | undefined, options: Readonly<Record<string, unknown>> | undefined): Info[] {
    const infos: Info[] = [];
    for (const [k, env] of this.envs.entries()) {
      const g = this.first + k;
      const args = {
        ...(seed === undefined ? {} : { seed: seed + g }),
        ...(options === undefined ? {} : { options }),
      };
      const { observation, info } = env.reset(args);
      flattenInto(env.observationSpace, observation, this.buffers.observations, g * this.obsDim);
      this.needsReset[k] = 0;
      infos.push(info);
    }
    return infos;
  }

  /** Steps every env of the slice with its row of `actions` (all envs' rows); returns their infos. */
  step(actions: ArrayLike<number>): Info[] {
    const b = this.buffers;
    const infos: Info[] = [];
    for (const [k, env] of this.envs.entries()) {
      const g = this.first + k;
      let observation: unknown;
      let info: Info;
      if (this.needsReset[k] === 1) {
        ({ observation, info } = env.reset());
        b.rewards[g] = 0;
        b.terminated[g] = 0;
        b.truncated[g] = 0;
        this.needsReset[k] = 0;
      } else {
        const r = this.stepOne(env, k, g, actions);
        observation = r.observation;
        info = r.info;
        b.rewards[g] = r.reward;
        b.terminated[g] = r.terminated ? 1 : 0;
        b.truncated[g] = r.truncated ? 1 : 0;
        if (r.terminated || r.truncated) {
          if (this.autoresetMode === 'next-step') this.needsReset[k] = 1;
          else {
            const reset = env.reset();
            info = { ...reset.info, finalObservation: observation, finalInfo: info };
            observation = reset.observation;
          }
        }
      }
      flattenInto(env.observationSpace, observation, b.observations, g * this.obsDim);
      infos.push(info);
    }
    return infos;
  }

  private stepOne(
    env: Env,
    k: number,
    g: number,
    actions: ArrayLike<number>,
  ): ReturnType<Env['step']> {
    const action = (this.readers[k] as (a: ArrayLike<number>, row: number) => unknown)(actions, g);
    try {
      return env.step(action);
    } catch (e) {
      if (e instanceof InvalidActionError)
        throw new InvalidActionError(`sub-env ${g}: ${e.message}`);
      throw e;
    }
  }

  close(): void {
    for (const env of this.envs) env.close();
  }
}
