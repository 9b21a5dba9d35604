import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import type { Env, Info, ResetArgs, ResetResult, StepResult } from '../env.js';
import { Wrapper } from '../wrapper.js';

/**
 * Truncates episodes after `maxEpisodeSteps` steps (Gymnasium's `TimeLimit`): the step
 * that reaches the limit returns `truncated: true` (even when it also terminates).
 */
export class TimeLimit<Obs, Act> extends Wrapper<Obs, Act> {
  private elapsedSteps = 0;

  constructor(
    env: Env<Obs, Act>,
    readonly maxEpisodeSteps: number,
  ) {
    super(env);
    if (!Number.isSafeInteger(maxEpisodeSteps) || maxEpisodeSteps < 1)
      throw new InvalidArgumentError(
        `maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`,
      );
  }

  /** Steps taken in the current episode. */
  get elapsed(): number {
    return this.elapsedSteps;
  }

  override reset(args?: ResetArgs): ResetResult<Obs, Info> {
    this.elapsedSteps = 0;
    return super.reset(args);
  }

  override step(action: Act): StepResult<Obs, Info> {
    const r = super.step(action);
    this.elapsedSteps += 1;
    if (this.elapsedSteps >= this.maxEpisodeSteps && !r.truncated) return { ...r, truncated: true };
    return r;
  }
}
