import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import type { Env } from '../env.js';
import type { BoxValue } from '../spaces/box.js';
import { Box } from '../spaces/box.js';
import { Wrapper } from '../wrapper.js';
import { RunningMeanStd } from './running-mean-std.js';
import type { RunningMeanStdJson } from './running-mean-std.js';

/** Options of `NormalizeObservation`. */
export interface NormalizeObservationOptions {
  /** Added to the variance before the square root (Gymnasium: 1e-8). */
  readonly epsilon?: number;
  /** Normalised values are clipped to [-clip, clip] (default: no clipping, as Gymnasium). */
  readonly clip?: number;
}

/**
 * Normalises Box observations to roughly zero mean and unit variance (Gymnasium's
 * `NormalizeObservation`): each observation first updates the running statistics (unless
 * frozen), then becomes `(obs - mean) / sqrt(var + epsilon)`, clipped to ±`clip`.
 * Reset observations update the statistics too, as in Gymnasium.
 */
export class NormalizeObservation<Act> extends Wrapper<BoxValue, Act> {
  /** The running statistics; serialise with `stats` and restore with `stats = ...`. */
  readonly rms: RunningMeanStd;
  /** When false, statistics are used but no longer updated (evaluation). */
  updateRunningMean = true;
  private readonly epsilon: number;
  private readonly clip: number;
  private readonly space: Box;

  constructor(env: Env<BoxValue, Act>, options: NormalizeObservationOptions = {}) {
    super(env);
    const inner = env.observationSpace;
    if (!(inner instanceof Box))
      throw new InvalidArgumentError(
        `NormalizeObservation needs a Box observation space, got ${inner.describe()}`,
      );
    this.epsilon = options.epsilon ?? 1e-8;
    this.clip = options.clip ?? Infinity;
    this.rms = new RunningMeanStd(inner.size);
    this.space = new Box({
      low: -this.clip,
      high: this.clip,
      shape: inner.shape,
      dtype: inner.dtype,
    });
  }

  override get observationSpace(): Box {
    return this.space;
  }

  /** The running statistics as JSON-safe numbers. */
  get stats(): RunningMeanStdJson {
    return this.rms.toJson();
  }

  set stats(json: RunningMeanStdJson) {
    this.rms.load(json);
  }

  protected override observation(observation: BoxValue): BoxValue {
    if (this.updateRunningMean) this.rms.update(observation);
    const out = this.space.allocate();
    for (let i = 0; i < out.length; i++) {
      const z =
        ((observation[i] as number) - (this.rms.mean[i] as number)) /
        Math.sqrt((this.rms.var[i] as number) + this.epsilon);
      out[i] = Math.min(this.clip, Math.max(-this.clip, z));
    }
    return out;
  }
}
