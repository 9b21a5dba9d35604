/**
 * Open-loop arrival processes. Non-homogeneous Poisson processes (diurnal, schedules)
 * are sampled by thinning (Lewis and Shedler, 1979): candidates arrive at the peak rate
 * and each is kept with probability rate(t) / peak, which is exact for any bounded rate.
 */
import type { RngStream } from '../rng.js';
import type { ArrivalProcess } from './arrival-process.js';

/** Poisson arrivals: exponential gaps with mean 1/rate. */
export class PoissonArrivals implements ArrivalProcess {
  readonly api = -1;
  constructor(readonly meanRatePerSecond: number) {}

  nextArrival(nowSeconds: number, rng: RngStream): number {
    return nowSeconds - Math.log(rng.nextOpen()) / this.meanRatePerSecond;
  }
}

/** Evenly spaced arrivals every 1/rate seconds, the first at 1/rate. */
export class DeterministicArrivals implements ArrivalProcess {
  readonly api = -1;
  private count = 0;
  constructor(readonly meanRatePerSecond: number) {}

  nextArrival(): number {
    // Multiplying rather than accumulating keeps the k-th arrival exactly at k/rate.
    return ++this.count / this.meanRatePerSecond;
  }
}

/**
 * Markov-modulated Poisson process visiting its states cyclically, each for an
 * exponential holding time. By memorylessness, the next arrival is the earlier of an
 * exponential gap at the state's rate and the state's end; at the end, the next state
 * starts afresh.
 */
export class MmppArrivals implements ArrivalProcess {
  readonly api = -1;
  readonly meanRatePerSecond: number;
  private state = 0;
  private stateEnd = -1;

  constructor(
    private readonly states: readonly { readonly rate: number; readonly meanDuration: number }[],
  ) {
    const time = states.reduce((sum, s) => sum + s.meanDuration, 0);
    this.meanRatePerSecond = states.reduce((sum, s) => sum + s.rate * s.meanDuration, 0) / time;
  }

  nextArrival(nowSeconds: number, rng: RngStream): number {
    if (this.stateEnd < 0) this.stateEnd = this.holding(0, rng);
    let t = nowSeconds;
    for (;;) {
      while (t >= this.stateEnd) {
        this.state = (this.state + 1) % this.states.length;
        this.stateEnd = this.holding(this.stateEnd, rng);
      }
      const rate = this.states[this.state]!.rate;
      const candidate = rate > 0 ? t - Math.log(rng.nextOpen()) / rate : Infinity;
      if (candidate < this.stateEnd) return candidate;
      t = this.stateEnd;
    }
  }

  private holding(from: number, rng: RngStream): number {
    return from - Math.log(rng.nextOpen()) * this.states[this.state]!.meanDuration;
  }
}

/** A Poisson process with a bounded time-varying rate, sampled by thinning. */
export abstract class ThinnedArrivals implements ArrivalProcess {
  readonly api = -1;
  abstract readonly meanRatePerSecond: number;
  /** An upper bound of `rateAt` over all time (requests per second). */
  protected abstract readonly peakRatePerSecond: number;
  /** The instantaneous rate at time `t` (requests per second). */
  abstract rateAt(t: number): number;
  /** A time after which the rate is zero forever, or Infinity. */
  protected readonly silentAfter: number = Infinity;

  nextArrival(nowSeconds: number, rng: RngStream): number {
    const peak = this.peakRatePerSecond;
    if (!(peak > 0)) return Infinity;
    let t = nowSeconds;
    for (;;) {
      t -= Math.log(rng.nextOpen()) / peak;
      if (t >= this.silentAfter) return Infinity;
      if (rng.next() * peak < this.rateAt(t)) return t;
    }
  }
}

/** Daily (or any periodic) load: mean × (1 + amplitude × sin(2πt/period + phase)). */
export class DiurnalArrivals extends ThinnedArrivals {
  readonly meanRatePerSecond: number;
  protected readonly peakRatePerSecond: number;

  constructor(
    mean: number,
    private readonly amplitude: number,
    private readonly periodSeconds: number,
    private readonly phase: number,
  ) {
    super();
    this.meanRatePerSecond = mean;
    this.peakRatePerSecond = mean * (1 + amplitude);
  }

  rateAt(t: number): number {
    return (
      this.meanRatePerSecond *
      (1 + this.amplitude * Math.sin((2 * Math.PI * t) / this.periodSeconds + this.phase))
    );
  }
}

/** A piecewise rate: steps or linear ramps between points (flash crowds, churn, ramps). */
export class ScheduleArrivals extends ThinnedArrivals {
  readonly meanRatePerSecond: number;
  protected readonly peakRatePerSecond: number;
  protected override readonly silentAfter: number;
  private readonly at: Float64Array;
  private readonly rate: Float64Array;

  constructor(
    points: readonly { readonly at: number; readonly rate: number }[],
    private readonly linear: boolean,
  ) {
    super();
    this.at = new Float64Array(points.map((p) => p.at));
    this.rate = new Float64Array(points.map((p) => p.rate));
    this.peakRatePerSecond = Math.max(...points.map((p) => p.rate));
    const last = points[points.length - 1]!;
    this.silentAfter = last.rate === 0 ? last.at : Infinity;
    this.meanRatePerSecond = last.rate;
  }

  rateAt(t: number): number {
    const at = this.at;
    const n = at.length;
    if (t <= at[0]!) return this.rate[0]!;
    if (t >= at[n - 1]!) return this.rate[n - 1]!;
    let k = 0;
    while (at[k + 1]! <= t) k++;
    if (!this.linear) return this.rate[k]!;
    const f = (t - at[k]!) / (at[k + 1]! - at[k]!);
    return this.rate[k]! + f * (this.rate[k + 1]! - this.rate[k]!);
  }
}

/** Replays a tenant's rows of a trace: arrival times and their APIs. */
export class TraceArrivals implements ArrivalProcess {
  api = -1;
  readonly meanRatePerSecond: number;
  private next = 0;

  constructor(
    private readonly times: Float64Array,
    private readonly apis: Int32Array,
  ) {
    const span = times.length > 1 ? times[times.length - 1]! - times[0]! : 0;
    this.meanRatePerSecond = span > 0 ? times.length / span : 0;
  }

  nextArrival(nowSeconds: number): number {
    while (this.next < this.times.length && this.times[this.next]! < nowSeconds) this.next++;
    if (this.next >= this.times.length) return Infinity;
    this.api = this.apis[this.next]!;
    return this.times[this.next++]!;
  }
}
