import { ResetNeededError } from '../../sim-cluster/errors.js';
import { assertAction } from '../check-action.js';
import type { Env, Info, ResetArgs, ResetResult, StepResult } from '../env.js';
import { EnvCheckError } from '../env-check-error.js';
import { Wrapper } from '../wrapper.js';

/**
 * Enforces the env lifecycle (Gymnasium's `OrderEnforcing` plus `PassiveEnvChecker`):
 * `step` before the first `reset`, or after an episode ended (terminated or truncated)
 * without a new `reset`, throws `ResetNeededError`; `step` after `close` too. Every action
 * is checked against the action space (`InvalidActionError`), and the first reset's
 * observation against the observation space. `make` applies it outermost.
 */
export class OrderEnforcing<Obs, Act> extends Wrapper<Obs, Act> {
  private state: 'needs-reset' | 'running' | 'ended' | 'closed' = 'needs-reset';
  private checkedReset = false;

  constructor(
    env: Env<Obs, Act>,
    /** A name for messages, usually the registry id. */
    readonly envName = 'env',
  ) {
    super(env);
  }

  /** Whether `reset` has been called since construction. */
  get hasReset(): boolean {
    return this.state !== 'needs-reset' && this.state !== 'closed';
  }

  override reset(args?: ResetArgs): ResetResult<Obs, Info> {
    if (this.state === 'closed')
      throw new ResetNeededError(`${this.envName}: reset() after close()`);
    const r = super.reset(args);
    if (!this.checkedReset) {
      this.checkedReset = true;
      const why = this.observationSpace.explain(r.observation);
      if (why !== undefined)
        throw new EnvCheckError(this.envName, [
          `reset() returned an observation outside ${this.observationSpace.describe()}: ${why}`,
        ]);
    }
    this.state = 'running';
    return r;
  }

  override step(action: Act): StepResult<Obs, Info> {
    if (this.state === 'needs-reset')
      throw new ResetNeededError(`${this.envName}: step() before reset(): call reset() first`);
    if (this.state === 'ended')
      throw new ResetNeededError(
        `${this.envName}: step() after the episode ended (terminated or truncated): call reset() first`,
      );
    if (this.state === 'closed')
      throw new ResetNeededError(`${this.envName}: step() after close()`);
    assertAction(this.envName, this.actionSpace, action);
    const r = super.step(action);
    if (r.terminated || r.truncated) this.state = 'ended';
    return r;
  }

  override close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    super.close();
  }
}
