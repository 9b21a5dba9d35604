/**
 * Envoy adaptive concurrency (envoy.filters.http.adaptive_concurrency, gradient
 * controller): per service, L ← gradient·L + √L with gradient =
 * clamp(minRTT·(1 + buffer) / sampleRTT, 0.5, 2); minRTT is re-measured periodically by
 * pinning the limit to `minConcurrency` for one window (which causes the bursts of
 * rejections Envoy's issue tracker reports).
 *
 * Simplifications: sample RTT as in gradient2.ts; one update per control window (Envoy:
 * every 100 ms by default); the re-measurement window is one control window and its RTT
 * becomes the new minRTT; no jitter. Defaults (buffer 25%, minConcurrency 3, interval
 * 60 s) follow Envoy's documentation as we read it — tunable, unverified.
 */
import { gradientStep, GradientLimits } from './gradient-limits.js';

export const ENVOY_ADAPTIVE_DEFAULTS = {
  buffer: 0.25,
  /** Limit held while minRTT is re-measured. */
  minConcurrency: 3,
  /** Seconds between minRTT re-measurements. */
  minRttIntervalSeconds: 60,
  minLimit: 1,
  maxLimit: 1000,
};
export type EnvoyAdaptiveParams = typeof ENVOY_ADAPTIVE_DEFAULTS;

export class EnvoyAdaptive extends GradientLimits {
  readonly name = 'envoy-adaptive';

  constructor(private readonly params: EnvoyAdaptiveParams = ENVOY_ADAPTIVE_DEFAULTS) {
    super(Infinity, params.minLimit, params.maxLimit, {
      intervalSeconds: params.minRttIntervalSeconds,
      pinnedLimit: params.minConcurrency,
    });
  }

  protected nextLimit(limit: number, minRtt: number, sampleRtt: number): number {
    return gradientStep(limit, minRtt, sampleRtt, this.params.buffer) + Math.sqrt(limit);
  }
}
