/**
 * The wrapper base class (Gymnasium's `Wrapper`, `ObservationWrapper`, `RewardWrapper`,
 * `ActionWrapper` in one): it forwards everything to the wrapped env, passing
 * observations, rewards and actions through three hooks. A simple wrapper overrides
 * exactly one hook; a stateful one (TimeLimit, RecordEpisodeStatistics) overrides
 * `reset`/`step` and calls `super`.
 */
import type { Env, EnvMetadata, Info, ResetArgs, ResetResult, StepResult } from './env.js';
import type { Space } from './spaces/space.js';

/** An env around an inner env; `Obs`/`Act` are the inner types, `WObs`/`WAct` the outer. */
export class Wrapper<Obs = unknown, Act = unknown, WObs = Obs, WAct = Act> implements Env<
  WObs,
  WAct
> {
  constructor(readonly env: Env<Obs, Act>) {}

  /** The outer observation space; override when `observation` changes it. */
  get observationSpace(): Space<WObs> {
    return this.env.observationSpace as unknown as Space<WObs>;
  }

  /** The outer action space; override when `action` changes it. */
  get actionSpace(): Space<WAct> {
    return this.env.actionSpace as unknown as Space<WAct>;
  }

  get metadata(): EnvMetadata {
    return this.env.metadata;
  }

  /** The innermost env, below every wrapper. */
  get unwrapped(): Env {
    let env: Env = this.env as Env;
    while (env instanceof Wrapper) env = env.env as Env;
    return env;
  }

  reset(args?: ResetArgs): ResetResult<WObs, Info> {
    const { observation, info } = this.env.reset(args);
    return { observation: this.observation(observation), info };
  }

  step(action: WAct): StepResult<WObs, Info> {
    const r = this.env.step(this.action(action));
    return {
      observation: this.observation(r.observation),
      reward: this.reward(r.reward),
      terminated: r.terminated,
      truncated: r.truncated,
      info: r.info,
    };
  }

  close(): void {
    this.env.close();
  }

  /** Hook: maps an inner observation to the outer one (identity by default). */
  protected observation(observation: Obs): WObs {
    return observation as unknown as WObs;
  }

  /** Hook: maps an inner reward to the outer one (identity by default). */
  protected reward(reward: number): number {
    return reward;
  }

  /** Hook: maps an outer action to the inner one (identity by default). */
  protected action(action: WAct): Act {
    return action as unknown as Act;
  }
}
