import type { Env, Info, StepResult } from '../env.js';
import { Wrapper } from '../wrapper.js';
import { RunningMeanStd } from './running-mean-std.js';
import type { RunningMeanStdJson } from './running-mean-std.js';

/** Options of `NormalizeReward`. */
export interface NormalizeRewardOptions {
  /** Discount of the running return whose spread scales rewards (Gymnasium: 0.99). */
  readonly gamma?: number;
  /** Added to the variance before the square root (Gymnasium: 1e-8). */
  readonly epsilon?: number;
  /** Scaled rewards are clipped to [-clip, clip] (default: no clipping, as Gymnasium). */
  readonly clip?: number;
}

/**
 * Scales rewards so that the discounted return has roughly unit variance (Gymnasium's
 * `NormalizeReward`, after openai/baselines' VecNormalize). Each step updates
 * `G ← γ·G·(1 − terminated) + r`, merges `G` into running statistics (unless frozen),
 * and returns `r / sqrt(var(G) + epsilon)` — divided by the spread, never centred
 * (openai/baselines#538). As in Gymnasium, only termination resets `G`; truncation and
 * `reset()` do not.
 */
export class NormalizeReward<Obs, Act> extends Wrapper<Obs, Act> {
  /** Running statistics of the discounted return. */
  readonly returnRms = new RunningMeanStd(1);
  /** When false, statistics are used but no longer updated (evaluation). */
  updateRunningMean = true;
  /** The running discounted return `G`. */
  discountedReturn = 0;
  readonly gamma: number;
  private readonly epsilon: number;
  private readonly clip: number;
  private readonly scratch = new Float64Array(1);

  constructor(env: Env<Obs, Act>, options: NormalizeRewardOptions = {}) {
    super(env);
    this.gamma = options.gamma ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-8;
    this.clip = options.clip ?? Infinity;
  }

  /** The running statistics as JSON-safe numbers. */
  get stats(): RunningMeanStdJson {
    return this.returnRms.toJson();
  }

  set stats(json: RunningMeanStdJson) {
    this.returnRms.load(json);
  }

  override step(action: Act): StepResult<Obs, Info> {
    const r = this.env.step(action);
    this.discountedReturn = this.discountedReturn * this.gamma * (r.terminated ? 0 : 1) + r.reward;
    if (this.updateRunningMean) {
      this.scratch[0] = this.discountedReturn;
      this.returnRms.update(this.scratch);
    }
    const scaled = r.reward / Math.sqrt((this.returnRms.var[0] as number) + this.epsilon);
    return { ...r, reward: Math.min(this.clip, Math.max(-this.clip, scaled)) };
  }
}
