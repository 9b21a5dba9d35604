/**
 * The validated, normalised form of a scenario (DESIGN.md, "Scenario format").
 * The loader fills every default, so the simulator never guesses. All times are in
 * seconds and all rates in requests per second.
 */

/** A distribution as written in a scenario file. */
export type DistributionSpec =
  | { dist: 'exponential'; mean: number }
  | { dist: 'constant'; value: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'lognormal'; mean: number; cv: number }
  | { dist: 'gamma'; mean: number; cv: number }
  | { dist: 'weibull'; shape: number; scale: number }
  | { dist: 'pareto'; alpha: number; min: number; max: number }
  | { dist: 'mixture'; components: { weight: number; of: DistributionSpec }[] }
  | { dist: 'empirical'; values: number[]; weights?: number[] };

/** Order in which a service's queue hands waiting requests to free workers. */
export type SchedulerName = 'fifo' | 'priority' | 'wfq' | 'drr' | '2dfq' | 'edf';

/** How a request picks one of a service's replicas. */
export type LoadBalancerName = 'round-robin' | 'random' | 'least-outstanding' | 'power-of-two';

export interface ServiceSpec {
  readonly name: string;
  /** Identical instances of the service; at least 1. */
  readonly replicas: number;
  /** Requests served concurrently per replica; at least 1. */
  readonly workers: number;
  /** CPU cores per replica; busy workers beyond this share the cores (processor sharing). */
  readonly cores: number;
  /** true: a worker is held while its request waits on downstream calls. */
  readonly blocking: boolean;
  readonly scheduler: SchedulerName;
  /** Requests that may wait per replica; `Infinity` when unbounded. */
  readonly queueCapacity: number;
  readonly loadBalancer: LoadBalancerName;
}

/** One node of an API's call tree: work at `service`, then child calls, then post-work. */
export interface CallSpec {
  readonly service: string;
  /** CPU seconds before the child calls. */
  readonly work: DistributionSpec;
  /** CPU seconds after the child calls return; absent means none. */
  readonly postWork?: DistributionSpec;
  /** Sequential steps; each step is a list of calls made in parallel (length 1: a plain call). */
  readonly steps: readonly (readonly CallSpec[])[];
  /** Seconds the caller waits for this call before giving up; absent means forever. */
  readonly timeout?: number;
  /** How many times the caller retries this call after a failure or timeout (default 0). */
  readonly retries: number;
  /** Delay before each retry; absent: retry at once. */
  readonly backoff?: BackoffSpec;
  /** Cap on retries relative to first attempts; absent: unlimited (up to `retries` each). */
  readonly retryBudget?: RetryBudgetSpec;
}

/**
 * Exponential backoff: attempt k (k = 1 for the first retry) waits
 * min(max, base × multiplier^(k−1)) seconds, with jitter: `none` waits exactly that,
 * `full` a uniform draw in [0, that], `equal` half of it plus a uniform draw in [0, half]
 * (the AWS Architecture Blog's names).
 */
export interface BackoffSpec {
  readonly base: number;
  readonly multiplier: number;
  readonly max: number;
  readonly jitter: 'none' | 'full' | 'equal';
}

/**
 * A retry budget in the style of Finagle and Envoy: retries of a call may not exceed
 * `ratio` × its first attempts plus `minPerSecond` × elapsed seconds, counted over a
 * sliding horizon of 10 seconds. A retry beyond the budget is not made (the call fails).
 */
export interface RetryBudgetSpec {
  readonly ratio: number;
  readonly minPerSecond: number;
}

/** A client's own timeout and retry behaviour; overrides the root call's for one tenant. */
export interface ClientSpec {
  readonly timeout?: number;
  readonly retries: number;
  readonly backoff?: BackoffSpec;
  readonly retryBudget?: RetryBudgetSpec;
}

export interface ApiSpec {
  readonly name: string;
  readonly call: CallSpec;
}

/**
 * How a tenant's requests arrive at the ingress. Rates in requests per second, times in
 * seconds from the start of the run (warmup included).
 */
export type ArrivalSpec =
  /** Exponential gaps. */
  | { readonly process: 'poisson'; readonly rate: number }
  /** Evenly spaced arrivals, the first at 1/rate. */
  | { readonly process: 'deterministic'; readonly rate: number }
  /**
   * Markov-modulated Poisson: the process visits `states` cyclically (an on/off burst
   * source is two states), holding each for an exponential time of mean `meanDuration`,
   * with Poisson arrivals at that state's `rate` (which may be 0).
   */
  | {
      readonly process: 'mmpp';
      readonly states: readonly { readonly rate: number; readonly meanDuration: number }[];
    }
  /** Poisson with rate mean × (1 + amplitude × sin(2π t / period + phase)); amplitude in [0, 1]. */
  | {
      readonly process: 'diurnal';
      readonly mean: number;
      readonly amplitude: number;
      readonly period: number;
      readonly phase: number;
    }
  /**
   * Poisson with a piecewise rate: `points` sorted by `at`; `step` holds each rate until
   * the next point, `linear` ramps between points; before the first point the rate is the
   * first point's, after the last it stays at the last's. Steps, ramps and flash crowds.
   */
  | {
      readonly process: 'schedule';
      readonly interpolate: 'step' | 'linear';
      readonly points: readonly { readonly at: number; readonly rate: number }[];
    }
  /**
   * Replays a CSV trace with header `timestamp,tenant,api` (seconds, names): the rows of
   * this tenant arrive at `timestamp × timeScale`, each with its own API.
   */
  | {
      readonly process: 'trace';
      readonly file: string;
      readonly timeScale: number;
      /** This tenant's rows, read from `file` by the loader, sorted by `at` (seconds, scaled). */
      readonly rows: readonly { readonly at: number; readonly api: string }[];
    }
  /** Closed loop: `users` clients each send a request, wait for its outcome, think, repeat. */
  | { readonly process: 'closed'; readonly users: number; readonly thinkTime: DistributionSpec };

export interface SloSpec {
  /** Latency target in seconds. */
  readonly latency: number;
  /** Percentile of requests that should meet the target, in (0, 100]. */
  readonly percentile: number;
}

export interface TenantSpec {
  readonly name: string;
  readonly arrivals: ArrivalSpec;
  /** The tenant's request mix: APIs with positive weights. */
  readonly requests: readonly { readonly api: string; readonly weight: number }[];
  readonly slo: SloSpec;
  /** Requests per second the tenant is entitled to; absent: everything it offers. */
  readonly guaranteedRate?: number;
  /** Importance in the run score and weight in fair schedulers; default 1. */
  readonly weight: number;
  /** The tenant's clients' own timeout and retries (overrides the API root calls'). */
  readonly client?: ClientSpec;
}

export interface NetworkSpec {
  /** One-way latency added to every RPC hop (request and response); absent: zero. */
  readonly latency?: DistributionSpec;
}

/**
 * A fault on a schedule, active during [at, at + duration).
 * - `slowdown`: the service's work (and post-work) takes `factor` times longer.
 * - `crash`: a replica goes down; the hops on it fail at once and it restarts empty.
 * - `latency`: `add` seconds of one-way latency on every hop to the service (or to all).
 * - `noisy-neighbour`: a co-located process takes `cores` cores of a replica (or all).
 */
export type FaultSpec =
  | {
      readonly kind: 'slowdown';
      readonly service: string;
      readonly at: number;
      readonly duration: number;
      readonly factor: number;
    }
  | {
      readonly kind: 'crash';
      readonly service: string;
      readonly replica: number;
      readonly at: number;
      readonly duration: number;
    }
  | {
      readonly kind: 'latency';
      readonly service?: string;
      readonly at: number;
      readonly duration: number;
      readonly add: number;
    }
  | {
      readonly kind: 'noisy-neighbour';
      readonly service: string;
      /** Replica index, or absent for every replica. */
      readonly replica?: number;
      readonly at: number;
      readonly duration: number;
      readonly cores: number;
    };

export interface Scenario {
  readonly name: string;
  /** Measured seconds, after the warmup. */
  readonly duration: number;
  /** Seconds simulated before measurement starts. */
  readonly warmup: number;
  readonly seed: number;
  /** Seconds between controller decisions (and telemetry windows). */
  readonly controlInterval: number;
  readonly network: NetworkSpec;
  /** Services in file order. */
  readonly services: readonly ServiceSpec[];
  /** APIs in file order. */
  readonly apis: readonly ApiSpec[];
  /** Tenants in file order. */
  readonly tenants: readonly TenantSpec[];
  /** Faults in file order. */
  readonly faults: readonly FaultSpec[];
  /** Where the scenario came from: a path, a bundled name, or `<inline>`. */
  readonly source: string;
}
