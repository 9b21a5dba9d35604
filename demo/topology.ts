/**
 * The demo application in one place: four services in a call tree with a parallel
 * fan-out, two APIs and two tenants, described with the simulator's own scenario types
 * so that the real services (`service-main.ts`), the load generator and the calibrated
 * scenario (`calibrate.ts`) all read the same numbers.
 *
 * Each hop holds one of its service's workers for its `work`: a short CPU burst (a
 * calibrated busy loop of `cpuSeconds`) followed by a wait that stands for the hop's
 * I/O (a database or disk call), drawn so that the whole hold has the stated mean. The
 * CPU part is kept small on purpose: the machine has two shared cores, and the
 * bottleneck the simulator should model is the bounded worker pool, not the CPUs.
 * Workers are released before the child calls (`blocking: false`, as in an event loop).
 */
import { stringify } from 'yaml';
import { parseScenario } from '../sim-cluster/scenario/parse-scenario.js';
import type { DistributionSpec, Scenario } from '../sim-cluster/scenario/types.js';

export interface DemoService {
  readonly name: string;
  /** Requests served concurrently (the bounded worker pool). */
  readonly workers: number;
  /** Mean seconds a hop holds a worker (CPU burst + I/O wait), exponential. */
  readonly workMeanSeconds: number;
  /** CPU seconds of the busy loop inside each hop's work. */
  readonly cpuSeconds: number;
}

export interface DemoTenant {
  readonly name: string;
  /** Poisson arrivals per second in the overload scenario. */
  readonly ratePerSecond: number;
  /** Request mix: API name → weight. */
  readonly requests: Readonly<Record<string, number>>;
  readonly slo: { readonly latency: number; readonly percentile: number };
  readonly guaranteedRate?: number;
  readonly weight: number;
}

/** A call as the services execute it: own work, then children in sequence. */
export interface DemoCall {
  readonly service: string;
  /** Sequential steps; a step of several calls fans out in parallel and waits for all. */
  readonly steps: readonly (readonly DemoCall[])[];
}

export interface DemoTopology {
  readonly services: readonly DemoService[];
  readonly apis: Readonly<Record<string, DemoCall>>;
  readonly tenants: readonly DemoTenant[];
}

const leaf = (service: string): DemoCall => ({ service, steps: [] });

/**
 * The demo: `catalog` (2 workers × 36 ms: about 56 hops/s, one per request) is the
 * bottleneck; the tenants offer 67 requests/s, 120% of it.
 */
export const DEMO: DemoTopology = {
  services: [
    { name: 'frontend', workers: 8, workMeanSeconds: 0.006, cpuSeconds: 0.0002 },
    { name: 'catalog', workers: 2, workMeanSeconds: 0.036, cpuSeconds: 0.0003 },
    { name: 'pricing', workers: 4, workMeanSeconds: 0.018, cpuSeconds: 0.0002 },
    { name: 'inventory', workers: 4, workMeanSeconds: 0.024, cpuSeconds: 0.0002 },
  ],
  apis: {
    browse: { service: 'frontend', steps: [[leaf('catalog')]] },
    checkout: {
      service: 'frontend',
      steps: [[{ service: 'catalog', steps: [[leaf('pricing'), leaf('inventory')]] }]],
    },
  },
  tenants: [
    {
      name: 'gold',
      ratePerSecond: 17,
      requests: { browse: 3, checkout: 1 },
      slo: { latency: 0.45, percentile: 99 },
      guaranteedRate: 20,
      weight: 2,
    },
    {
      name: 'bronze',
      ratePerSecond: 50,
      requests: { browse: 1, checkout: 1 },
      slo: { latency: 1.5, percentile: 95 },
      guaranteedRate: 20,
      weight: 1,
    },
  ],
};

/** Hops per request of each service, averaged over a tenant mix. */
export function hopsPerRequest(
  topology: DemoTopology,
  requests: Readonly<Record<string, number>>,
): Map<string, number> {
  const total = Object.values(requests).reduce((a, w) => a + w, 0);
  const hops = new Map<string, number>();
  const visit = (call: DemoCall, p: number) => {
    hops.set(call.service, (hops.get(call.service) ?? 0) + p);
    for (const step of call.steps) for (const c of step) visit(c, p);
  };
  for (const [api, w] of Object.entries(requests)) visit(topology.apis[api]!, w / total);
  return hops;
}

/**
 * The utilisation of the busiest worker pool when every tenant's rate is multiplied by
 * `scale` (offered hops × mean work ÷ workers).
 */
export function bottleneckUtilization(topology: DemoTopology, scale = 1): number {
  const work = new Map<string, number>();
  for (const t of topology.tenants)
    for (const [s, h] of hopsPerRequest(topology, t.requests)) {
      const svc = serviceOf(topology, s);
      work.set(
        s,
        (work.get(s) ?? 0) + (scale * t.ratePerSecond * h * svc.workMeanSeconds) / svc.workers,
      );
    }
  return Math.max(...work.values());
}

/** Work distributions per service, as the scenario writes them. */
export type WorkSpecs = Readonly<Record<string, DistributionSpec>>;

export interface DemoScenarioOptions {
  /** Calibrated work per service (default: exponential with the design mean). */
  readonly work?: WorkSpecs;
  /** One-way network latency per hop (default none). */
  readonly networkLatency?: DistributionSpec;
  /** Multiplies every tenant's rate (default 1). */
  readonly scale?: number;
  readonly durationSeconds?: number;
  readonly warmupSeconds?: number;
  readonly seed?: number;
}

/**
 * The demo as scenario YAML (the file format of DESIGN.md): one replica per service
 * with `cores = workers` (a worker's hold is mostly waiting, so busy workers do not
 * share CPUs in the model), non-blocking, FIFO, unbounded queues.
 */
export function demoScenarioYaml(
  topology: DemoTopology,
  options: DemoScenarioOptions = {},
): string {
  const workOf = (service: string): DistributionSpec =>
    options.work?.[service] ?? {
      dist: 'exponential',
      mean: serviceOf(topology, service).workMeanSeconds,
    };
  const toRaw = (c: DemoCall): Record<string, unknown> => ({
    service: c.service,
    work: workOf(c.service),
    ...(c.steps.length === 0
      ? {}
      : {
          calls: c.steps.map((step) =>
            step.length === 1 ? toRaw(step[0]!) : { parallel: step.map(toRaw) },
          ),
        }),
  });
  const raw = {
    name: 'demo',
    duration: options.durationSeconds ?? 20,
    warmup: options.warmupSeconds ?? 5,
    seed: options.seed ?? 1,
    controlInterval: 1,
    ...(options.networkLatency === undefined
      ? {}
      : { network: { latency: options.networkLatency } }),
    services: Object.fromEntries(
      topology.services.map((s) => [
        s.name,
        { workers: s.workers, cores: s.workers, blocking: false },
      ]),
    ),
    apis: Object.fromEntries(
      Object.entries(topology.apis).map(([name, call]) => [name, { call: toRaw(call) }]),
    ),
    tenants: Object.fromEntries(
      topology.tenants.map((t) => [
        t.name,
        {
          arrivals: { process: 'poisson', rate: t.ratePerSecond * (options.scale ?? 1) },
          requests: t.requests,
          slo: t.slo,
          ...(t.guaranteedRate !== undefined ? { guaranteedRate: t.guaranteedRate } : {}),
          weight: t.weight,
        },
      ]),
    ),
  };
  return stringify(raw, { lineWidth: 0 });
}

/** The demo as a validated scenario (through the loader, as a file would be). */
export function demoScenario(topology: DemoTopology, options: DemoScenarioOptions = {}): Scenario {
  return parseScenario(demoScenarioYaml(topology, options), '<demo>');
}

export function serviceOf(topology: DemoTopology, name: string): DemoService {
  const s = topology.services.find((x) => x.name === name);
  if (s === undefined) throw new Error(`demo topology has no service '${name}'`);
  return s;
}
