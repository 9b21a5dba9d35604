/**
 * The `Env` contract (Gymnasium's `gymnasium.Env`): four members whose types carry the
 * whole lifecycle.
 *
 * Lifecycle: construct → `reset()` → `step()` … until `terminated` or `truncated` →
 * `reset()` → … → `close()`. Stepping before the first reset or after the episode has
 * ended is a programming error (`ResetNeededError` through `make`'s order enforcement).
 * An action outside `actionSpace` raises `InvalidActionError` naming the problem.
 */
import type { Space } from './spaces/space.js';

/** Statistics of a finished episode (Gymnasium's `info["episode"]`). */
export interface EpisodeStatistics {
  /** Undiscounted sum of the episode's rewards. */
  readonly r: number;
  /** Number of steps of the episode. */
  readonly l: number;
}

/**
 * Auxiliary diagnostics of a reset or a step. Never needed to learn; keys below are the
 * ones Governor's wrappers and vector envs write, envs may add their own.
 */
export interface Info {
  /** Set by `RecordEpisodeStatistics` on the step that ends an episode. */
  episode?: EpisodeStatistics;
  /** Set by vector envs in `same-step` autoreset: the last observation of the ended episode. */
  finalObservation?: unknown;
  /** Set by vector envs in `same-step` autoreset: the info of the ended episode's last step. */
  finalInfo?: Info;
  [key: string]: unknown;
}

/** Arguments of `reset`. */
export interface ResetArgs {
  /**
   * Reseeds the env's random stream. Without a seed, the env continues its current stream
   * (an env that was never seeded uses seed 0: there is no hidden entropy source).
   */
  readonly seed?: number;
  /** Env-specific reset options (e.g. the bounds of the initial state). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** What `reset` returns. */
export interface ResetResult<Obs, I extends Info = Info> {
  readonly observation: Obs;
  readonly info: I;
}

/** What `step` returns: named fields, never a tuple, never `done`. */
export interface StepResult<Obs, I extends Info = Info> {
  /** The observation after the action, an element of `observationSpace`. */
  readonly observation: Obs;
  /** The reward for the transition (finite). */
  readonly reward: number;
  /** The episode reached a terminal state of the MDP (bootstrap with 0). */
  readonly terminated: boolean;
  /** The episode was cut short from outside the MDP, e.g. a time limit (bootstrap). */
  readonly truncated: boolean;
  readonly info: I;
}

/** Static facts about an env (Gymnasium's `metadata`). */
export interface EnvMetadata {
  /** Render modes supported; Governor's envs do not render (`[]`). */
  readonly renderModes: readonly string[];
  /** Simulated seconds per step, when the env has a physical time step. */
  readonly dtSeconds?: number;
  readonly [key: string]: unknown;
}

/** A reinforcement-learning environment with observations `Obs` and actions `Act`. */
export interface Env<Obs = unknown, Act = unknown, I extends Info = Info> {
  readonly observationSpace: Space<Obs>;
  readonly actionSpace: Space<Act>;
  readonly metadata: EnvMetadata;
  /** Starts a new episode. Must be called before the first `step`. */
  reset(args?: ResetArgs): ResetResult<Obs, I>;
  /** Applies one action. Throws `InvalidActionError` for an action outside `actionSpace`. */
  step(action: Act): StepResult<Obs, I>;
  /** Releases resources; the env must not be used afterwards. Idempotent. */
  close(): void;
}
