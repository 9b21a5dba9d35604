/**
 * Domain randomisation (Tobin et al. 2017) over cluster scenarios: per episode, the
 * training env draws a scenario (a member of a family when the scenario is one, see
 * sim-cluster/scenario/family.ts) and then perturbs it — arrival rates, request mixes,
 * capacities (replicas and cores), the number of tenants, and an injected fault — so one
 * policy sees many deployments. Family files already vary what their authors chose to
 * vary; these perturbations apply on top, to any scenario, with ranges set per run (and
 * per curriculum stage, see `stageAt`).
 *
 * Pure: every draw comes from the `rng` passed in, in a fixed order, whether or not the
 * perturbation is enabled, so enabling one does not shift the others.
 */
import type { RngStream } from '../sim-cluster/rng.js';
import type {
  ArrivalSpec,
  FaultSpec,
  Scenario,
  TenantSpec,
} from '../sim-cluster/scenario/types.js';

/** The fault kinds domain randomisation can inject. */
export const FAULT_KINDS = ['slowdown', 'crash', 'latency', 'noisy-neighbour'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One closed range `[low, high]`. */
export type Range = readonly [number, number];

/** What to randomise per episode; every field optional (absent: left as the scenario has it). */
export interface RandomizationConfig {
  /** Scenarios (bundled names or file paths) drawn uniformly per episode: the topologies. */
  readonly scenarios: readonly string[];
  /** Multiplier on every tenant's arrival rates (closed loops: users), log-uniform. */
  readonly rateScale?: Range;
  /** Each request-mix weight × a uniform draw in [1 − mixJitter, 1 + mixJitter]; in [0, 1). */
  readonly mixJitter?: number;
  /** Multiplier on every service's replicas (rounded, at least 1), log-uniform. */
  readonly replicaScale?: Range;
  /** Multiplier on every service's cores per replica, log-uniform. */
  readonly coreScale?: Range;
  /** Tenants kept (a uniform random subset of this many, in file order), integers. */
  readonly tenants?: Range;
  /** With this probability, one fault of a kind drawn from `kinds` per episode. */
  readonly faults?: FaultRandomization;
}

export interface FaultRandomization {
  readonly probability: number;
  readonly kinds: readonly FaultKind[];
  /** Fault duration in seconds, uniform. */
  readonly durationSeconds: Range;
}

/** A curriculum stage: from global step `fromStep` on, episodes are drawn with `randomization`. */
export interface CurriculumStage {
  readonly fromStep: number;
  readonly randomization: RandomizationConfig;
}

/** The parameters drawn for one episode (reported in the episode's last `info`). */
export interface EpisodeDraws {
  readonly scenario: string;
  readonly rateScale: number;
  readonly replicaScale: number;
  readonly coreScale: number;
  readonly tenants: number;
  readonly fault: FaultKind | null;
}

/** Fixed magnitudes of injected faults (their timing and duration are drawn). */
export const FAULT_MAGNITUDES = {
  /** Work takes this many times longer. */
  slowdownFactor: [2, 5] as Range,
  /** Added one-way latency, seconds. */
  latencySeconds: [0.005, 0.05] as Range,
  /** Share of a replica's cores a noisy neighbour takes. */
  noisyCoreShare: [0.25, 0.75] as Range,
};

/** The stage in force at `globalStep`: the last whose `fromStep` is <= it. */
export function stageAt(stages: readonly CurriculumStage[], globalStep: number): number {
  let index = 0;
  for (let i = 0; i < stages.length; i++) if (stages[i]!.fromStep <= globalStep) index = i;
  return index;
}

const uniform = (u: number, [a, b]: Range) => a + u * (b - a);
const logUniform = (u: number, [a, b]: Range) => Math.exp(Math.log(a) + u * Math.log(b / a));

/**
 * `base` perturbed as `config` says, with draws from `rng`. `episodeSeconds` bounds the
 * injected fault's start; `maxTenants` caps the tenants kept when `config.tenants` is set.
 */
export function perturbScenario(
  base: Scenario,
  config: RandomizationConfig,
  rng: RngStream,
  episodeSeconds: number,
  maxTenants: number,
): { scenario: Scenario; draws: Omit<EpisodeDraws, 'scenario'> } {
  // Fixed draw order: rate, replicas, cores, tenants, then fault, then mixes.
  const uRate = rng.next();
  const uReplica = rng.next();
  const uCore = rng.next();
  const uTenants = rng.next();
  const rateScale = config.rateScale ? logUniform(uRate, config.rateScale) : 1;
  const replicaScale = config.replicaScale ? logUniform(uReplica, config.replicaScale) : 1;
  const coreScale = config.coreScale ? logUniform(uCore, config.coreScale) : 1;
  const services = base.services.map((s) => ({
    ...s,
    replicas: Math.max(1, Math.round(s.replicas * replicaScale)),
    cores: s.cores * coreScale,
  }));
  let tenants = base.tenants;
  if (config.tenants) {
    const [lo, hi] = config.tenants;
    const cap = Math.min(base.tenants.length, maxTenants);
    const count = Math.max(1, Math.min(cap, lo + Math.floor(uTenants * (hi - lo + 1))));
    tenants = keepSubset(base.tenants, count, rng);
  }
  const fault = drawFault(config.faults, services, rng, episodeSeconds);
  const jitter = config.mixJitter ?? 0;
  tenants = tenants.map((t) => scaleTenant(t, rateScale, jitter, rng));
  const faults = [
    ...base.faults.map((f) => adjustFault(f, services, coreScale)),
    ...(fault === null ? [] : [fault]),
  ];
  return {
    scenario: { ...base, services, tenants, faults },
    draws: {
      rateScale,
      replicaScale,
      coreScale,
      tenants: tenants.length,
      fault: fault === null ? null : fault.kind,
    },
  };
}

/** `count` of `tenants` chosen uniformly (partial Fisher-Yates), kept in file order. */
function keepSubset(
  tenants: readonly TenantSpec[],
  count: number,
  rng: RngStream,
): readonly TenantSpec[] {
  const order = tenants.map((_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.nextInt(order.length - i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const kept = new Set(order.slice(0, count));
  return tenants.filter((_, i) => kept.has(i));
}

function scaleTenant(t: TenantSpec, rate: number, jitter: number, rng: RngStream): TenantSpec {
  const requests = t.requests.map((r) => ({
    api: r.api,
    weight: r.weight * (1 - jitter + 2 * jitter * rng.next()),
  }));
  return { ...t, arrivals: scaleArrivals(t.arrivals, rate), requests };
}

/** Arrivals `rate` times as intense. */
export function scaleArrivals(a: ArrivalSpec, rate: number): ArrivalSpec {
  switch (a.process) {
    case 'poisson':
    case 'deterministic':
      return { ...a, rate: a.rate * rate };
    case 'mmpp':
      return { ...a, states: a.states.map((s) => ({ ...s, rate: s.rate * rate })) };
    case 'diurnal':
      return { ...a, mean: a.mean * rate };
    case 'schedule':
      return { ...a, points: a.points.map((p) => ({ ...p, rate: p.rate * rate })) };
    case 'trace':
      // Compressing time by `rate` multiplies the trace's rate by it.
      return {
        ...a,
        timeScale: a.timeScale / rate,
        rows: a.rows.map((r) => ({ ...r, at: r.at / rate })),
      };
    case 'closed':
      return { ...a, users: Math.max(1, Math.round(a.users * rate)) };
  }
}

function drawFault(
  config: FaultRandomization | undefined,
  services: readonly { name: string; replicas: number; cores: number }[],
  rng: RngStream,
  episodeSeconds: number,
): FaultSpec | null {
  // Always six draws, so the mixes after them do not depend on whether a fault was drawn.
  const [uHappen, uKind, uService, uAt, uDuration, uSize] = [0, 0, 0, 0, 0, 0].map(() =>
    rng.next(),
  ) as [number, number, number, number, number, number];
  if (config === undefined || config.kinds.length === 0 || uHappen >= config.probability) {
    return null;
  }
  const kind = config.kinds[Math.floor(uKind * config.kinds.length)]!;
  const service = services[Math.floor(uService * services.length)]!;
  const at = uAt * episodeSeconds;
  const duration = uniform(uDuration, config.durationSeconds);
  switch (kind) {
    case 'slowdown':
      return {
        kind,
        service: service.name,
        at,
        duration,
        factor: uniform(uSize, FAULT_MAGNITUDES.slowdownFactor),
      };
    case 'crash':
      return {
        kind,
        service: service.name,
        replica: Math.floor(uSize * service.replicas),
        at,
        duration,
      };
    case 'latency':
      return {
        kind,
        service: service.name,
        at,
        duration,
        add: uniform(uSize, FAULT_MAGNITUDES.latencySeconds),
      };
    case 'noisy-neighbour':
      return {
        kind,
        service: service.name,
        at,
        duration,
        cores: service.cores * uniform(uSize, FAULT_MAGNITUDES.noisyCoreShare),
      };
  }
}

/**
 * A scenario's own fault on the perturbed services: still on a replica that exists, and a
 * noisy neighbour's cores scaled with the replica's (so it stays below them).
 */
function adjustFault(
  f: FaultSpec,
  services: readonly { name: string; replicas: number }[],
  coreScale: number,
): FaultSpec {
  const replicas = services.find((s) => s.name === f.service)?.replicas ?? 1;
  if (f.kind === 'crash') return { ...f, replica: Math.min(f.replica, replicas - 1) };
  if (f.kind !== 'noisy-neighbour') return f;
  return {
    ...f,
    cores: f.cores * coreScale,
    ...(f.replica === undefined ? {} : { replica: Math.min(f.replica, replicas - 1) }),
  };
}
