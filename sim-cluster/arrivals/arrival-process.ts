import type { RngStream } from '../rng.js';

/**
 * When a tenant's next request arrives at the ingress (open loop: arrivals do not depend
 * on how the system responds). `nextArrival` is called once per arrival, right after
 * the previous one, and must not allocate.
 */
export interface ArrivalProcess {
  /** Absolute simulated time (seconds) of the next arrival after `nowSeconds`, or Infinity. */
  nextArrival(nowSeconds: number, rng: RngStream): number;
  /**
   * The API index of the arrival `nextArrival` just returned when the process decides it
   * (trace replay), or -1 to draw it from the tenant's request mix.
   */
  readonly api: number;
  /** Long-run mean rate in requests per second (for fluid bounds and reports). */
  readonly meanRatePerSecond: number;
}
