import type {
  CallSpec,
  Scenario,
  ServiceSpec,
  TenantSpec,
} from '../../sim-cluster/scenario/types.js';

/** A service spec with the loader's defaults. */
export function service(name: string, fields: Partial<ServiceSpec> = {}): ServiceSpec {
  const workers = fields.workers ?? 1;
  return {
    name,
    replicas: 1,
    workers,
    cores: workers,
    blocking: true,
    scheduler: 'fifo',
    queueCapacity: Infinity,
    loadBalancer: 'round-robin',
    ...fields,
  };
}

export function call(
  service: string,
  work: CallSpec['work'],
  fields: Partial<CallSpec> = {},
): CallSpec {
  return { service, work, steps: [], retries: 0, ...fields };
}

export function tenant(
  name: string,
  rate: number,
  api: string,
  fields: Partial<TenantSpec> = {},
): TenantSpec {
  return {
    name,
    arrivals: { process: 'poisson', rate },
    requests: [{ api, weight: 1 }],
    slo: { latency: 1, percentile: 99 },
    weight: 1,
    ...fields,
  };
}

/** A scenario with one API named `get` rooted at `root`. */
export function scenario(
  services: ServiceSpec[],
  root: CallSpec,
  tenants: TenantSpec[],
  fields: Partial<Scenario> = {},
): Scenario {
  return {
    name: 'inline',
    duration: 1000,
    warmup: 50,
    seed: 1,
    controlInterval: 1,
    network: {},
    services,
    apis: [{ name: 'get', call: root }],
    tenants,
    faults: [],
    source: '<inline>',
    ...fields,
  };
}
