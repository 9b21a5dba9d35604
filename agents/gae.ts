/**
 * Generalised Advantage Estimation (Schulman et al. 2016, "High-Dimensional Continuous
 * Control Using Generalized Advantage Estimation", eq. 16) over a time-major rollout.
 *
 * Buffers are time-major: the entry of env `e` at step `t` is at index `t * numEnvs + e`.
 * Flags describe the transition taken at step `t`: `terminated[t]` means the MDP reached a
 * terminal state (its value is 0); `truncated[t]` means the episode was cut short by a time
 * limit, so the final observation still has a value and we bootstrap on it
 * (Pardo et al. 2018, "Time Limits in Reinforcement Learning"; SB3 issue #633). CleanRL's
 * ppo.py treats truncation like termination; we do not.
 */

/** Inputs of {@link computeGae}. All per-step arrays have length `numSteps * numEnvs`. */
export interface GaeInput {
  readonly numEnvs: number;
  readonly rewards: ArrayLike<number>;
  /** V(s_t) for the observation the action at step t was taken from. */
  readonly values: ArrayLike<number>;
  /** 1 when the transition at step t ended in a terminal state. */
  readonly terminated: ArrayLike<number>;
  /** 1 when the episode was truncated at step t (time limit) and not terminated. */
  readonly truncated: ArrayLike<number>;
  /** V(final observation) of the episode that ended at step t; read only where truncated. */
  readonly finalValues: ArrayLike<number>;
  /** V(s_T) for the observation each env is in after the last step (length numEnvs). */
  readonly lastValues: ArrayLike<number>;
  /** Discount factor gamma in [0, 1]. */
  readonly gamma: number;
  /** GAE lambda in [0, 1]: 0 gives one-step TD, 1 gives Monte-Carlo returns minus V. */
  readonly lambda: number;
}

export interface GaeResult {
  readonly advantages: Float32Array;
  /** Lambda-returns: `advantages + values`, the value function's regression target. */
  readonly returns: Float32Array;
}

/**
 * Advantages by the backward recursion
 * `delta_t = r_t + gamma * V_next - V(s_t)`, `A_t = delta_t + gamma * lambda * c_t * A_{t+1}`,
 * where `c_t` is 0 when the episode ended at step t (terminated or truncated: the next
 * entry belongs to a new episode) and `V_next` is 0 on termination, V(final observation)
 * on truncation, the next step's value otherwise, and `lastValues` after the last step.
 */
export function computeGae(input: GaeInput): GaeResult {
  const { numEnvs, rewards, values, terminated, truncated, finalValues, lastValues } = input;
  const { gamma, lambda } = input;
  const size = rewards.length;
  const numSteps = size / numEnvs;
  const advantages = new Float32Array(size);
  const returns = new Float32Array(size);
  for (let e = 0; e < numEnvs; e++) {
    let nextAdvantage = 0;
    for (let t = numSteps - 1; t >= 0; t--) {
      const i = t * numEnvs + e;
      const ended = terminated[i]! !== 0 || truncated[i]! !== 0;
      let nextValue: number;
      if (terminated[i]! !== 0) nextValue = 0;
      else if (truncated[i]! !== 0) nextValue = finalValues[i]!;
      else if (t === numSteps - 1) nextValue = lastValues[e]!;
      else nextValue = values[i + numEnvs]!;
      const delta = rewards[i]! + gamma * nextValue - values[i]!;
      nextAdvantage = delta + (ended ? 0 : gamma * lambda * nextAdvantage);
      advantages[i] = nextAdvantage;
      returns[i] = nextAdvantage + values[i]!;
    }
  }
  return { advantages, returns };
}
