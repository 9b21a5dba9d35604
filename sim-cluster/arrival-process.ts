import type { RngStream } from './rng.js';

/**
 * When a tenant's next request arrives at the ingress. Open-loop processes only need
 * the current time; `nextArrival` is called once per arrival, right after the previous
 * one, and must not allocate.
 */
export interface ArrivalProcess {
  /** Absolute simulated time (seconds) of the next arrival after `nowSeconds`, or Infinity. */
  nextArrival(nowSeconds: number, rng: RngStream): number;
  /** Long-run mean rate in requests per second (for fluid bounds and reports). */
  readonly meanRatePerSecond: number;
}

/** Poisson arrivals: exponential gaps with mean 1/rate. */
export class PoissonArrivals implements ArrivalProcess {
  constructor(readonly meanRatePerSecond: number) {}

  nextArrival(nowSeconds: number, rng: RngStream): number {
    return nowSeconds - Math.log(rng.nextOpen()) / this.meanRatePerSecond;
  }
}
