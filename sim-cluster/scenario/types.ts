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
export type SchedulerName = 'fifo' | 'priority' | 'wfq' | 'drr';

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
}

export interface ApiSpec {
  readonly name: string;
  readonly call: CallSpec;
}

/** How a tenant's requests arrive at the ingress. */
export type ArrivalSpec = { process: 'poisson'; rate: number };

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
}

export interface NetworkSpec {
  /** One-way latency added to every RPC hop (request and response); absent: zero. */
  readonly latency?: DistributionSpec;
}

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
  /** Where the scenario came from: a path, a bundled name, or `<inline>`. */
  readonly source: string;
}
