/**
 * Netflix Gradient2 concurrency limit (Netflix concurrency-limits, `Gradient2Limit`):
 * per service, a limit L adapted from the ratio of baseline to current latency:
 * gradient = clamp(minRTT·(1 + buffer) / sampleRTT, 0.5, 2), then
 * L ← (1 − smoothing)·L + smoothing·(gradient·L + queueSize).
 *
 * Simplifications: the sample RTT of a window is the service's mean wait plus mean CPU
 * per hop (downstream time excluded); the baseline is the smallest RTT of the last
 * `baselineWindows` windows (Netflix keeps a long-window average, which drifts upward
 * under sustained load — a failure mode its issue tracker reports); the library's
 * `rttTolerance` 1.5 appears as buffer 0.5. Constants besides queueSize 4 and smoothing
 * 0.2 are tunable defaults.
 */
import { gradientStep, GradientLimits } from './gradient-limits.js';

export const GRADIENT2_DEFAULTS = {
  /** Latency allowed above the baseline before the limit shrinks (rttTolerance − 1). */
  buffer: 0.5,
  /** Queue allowance added each update (Netflix: 4). */
  queueSize: 4,
  /** Weight of the new estimate (Netflix: 0.2). */
  smoothing: 0.2,
  minLimit: 1,
  maxLimit: 1000,
  /** Windows over which the baseline (min RTT) is taken. */
  baselineWindows: 30,
};
export type Gradient2Params = typeof GRADIENT2_DEFAULTS;

export class Gradient2 extends GradientLimits {
  readonly name = 'gradient2';

  constructor(private readonly params: Gradient2Params = GRADIENT2_DEFAULTS) {
    super(params.baselineWindows, params.minLimit, params.maxLimit);
  }

  protected nextLimit(limit: number, minRtt: number, sampleRtt: number): number {
    const target =
      gradientStep(limit, minRtt, sampleRtt, this.params.buffer) + this.params.queueSize;
    return (1 - this.params.smoothing) * limit + this.params.smoothing * target;
  }
}
