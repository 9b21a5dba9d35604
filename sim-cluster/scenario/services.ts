/** `services.<name>`: a service's replicas, worker pools, cores, queue and balancing. */
import type { LoadBalancerName, SchedulerName, ServiceSpec } from './types.js';
import {
  type Field,
  expectBoolean,
  expectEnum,
  expectKeys,
  expectMapping,
  expectName,
  expectNonEmptyMapping,
  expectNonNegativeInteger,
  expectPositive,
  expectPositiveInteger,
  optionalKey,
} from './field.js';

export const SCHEDULERS: readonly SchedulerName[] = [
  'fifo',
  'priority',
  'wfq',
  'drr',
  '2dfq',
  'edf',
];
export const LOAD_BALANCERS: readonly LoadBalancerName[] = [
  'round-robin',
  'random',
  'least-outstanding',
  'power-of-two',
];

const SERVICE_KEYS = [
  'replicas',
  'workers',
  'cores',
  'blocking',
  'scheduler',
  'queueCapacity',
  'loadBalancer',
] as const;

/** Validates `services`, a non-empty mapping of service name to its settings. */
export function parseServices(raw: unknown, at: Field): ServiceSpec[] {
  const services = expectNonEmptyMapping(raw, 'service', at);
  return Object.entries(services).map(([name, value]) => parseService(name, value, at.key(name)));
}

function parseService(name: string, raw: unknown, at: Field): ServiceSpec {
  expectName(name, 'service', at);
  const obj = expectMapping(raw, at);
  expectKeys(obj, SERVICE_KEYS, at);
  const optional = <T>(key: string, parse: (v: unknown, f: Field) => T, fallback: T): T =>
    optionalKey(obj, key, at, parse, fallback);
  const workers = optional('workers', expectPositiveInteger, 1);
  return {
    name,
    replicas: optional('replicas', expectPositiveInteger, 1),
    workers,
    // Fractional cores (a 0.5-CPU container) are allowed: cores only scale service rates.
    cores: optional('cores', expectPositive, workers),
    blocking: optional('blocking', expectBoolean, true),
    scheduler: optional('scheduler', (v, f) => expectEnum(v, SCHEDULERS, f), 'fifo'),
    queueCapacity: optional('queueCapacity', expectCapacity, Infinity),
    loadBalancer: optional(
      'loadBalancer',
      (v, f) => expectEnum(v, LOAD_BALANCERS, f),
      'round-robin',
    ),
  };
}

/** A non-negative integer, or `.inf` for an unbounded queue. */
function expectCapacity(raw: unknown, at: Field): number {
  return raw === Infinity ? Infinity : expectNonNegativeInteger(raw, at);
}
