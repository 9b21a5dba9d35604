/**
 * `faults`: a list of faults on a schedule, each active during [at, at + duration) seconds
 * from the start of the run (warmup included). types.ts documents what each kind does.
 */
import type { FaultSpec, ServiceSpec } from './types.js';
import {
  type Field,
  expectEnum,
  expectKeys,
  expectList,
  expectMapping,
  expectNonNegative,
  expectPositive,
  expectPresent,
  expectString,
  optionalKey,
  requiredKey,
  show,
} from './field.js';

/** Each fault kind and the keys it takes besides `kind`, `at` and `duration`. */
export const FAULT_KINDS = {
  slowdown: ['service', 'factor'],
  crash: ['service', 'replica'],
  latency: ['service', 'add'],
  'noisy-neighbour': ['service', 'replica', 'cores'],
} as const;
type FaultKind = keyof typeof FAULT_KINDS;

/** Validates `faults` against the scenario's services. */
export function parseFaults(
  raw: unknown,
  at: Field,
  services: readonly ServiceSpec[],
): FaultSpec[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  return expectList(raw, at).map((element, i) => parseFault(element, at.index(i), byName));
}

function parseFault(
  raw: unknown,
  at: Field,
  services: ReadonlyMap<string, ServiceSpec>,
): FaultSpec {
  const obj = expectMapping(raw, at);
  const kinds = Object.keys(FAULT_KINDS) as FaultKind[];
  const kind = expectEnum(expectPresent(obj, 'kind', at), kinds, at.key('kind'));
  expectKeys(obj, ['kind', 'at', 'duration', ...FAULT_KINDS[kind]], at);
  const service = (f: Field = at.key('service')) =>
    expectService(expectPresent(obj, 'service', at), f, services);
  const when = {
    at: requiredKey(obj, 'at', at, expectNonNegative),
    duration: requiredKey(obj, 'duration', at, expectPositive),
  };
  switch (kind) {
    case 'slowdown':
      return {
        kind,
        service: service().name,
        ...when,
        factor: requiredKey(obj, 'factor', at, expectPositive),
      };
    case 'crash': {
      const target = service();
      const replica = requiredKey(obj, 'replica', at, (v, f) => expectReplica(v, f, target));
      return { kind, service: target.name, replica, ...when };
    }
    case 'latency': {
      const target = obj['service'] === undefined ? undefined : service();
      const add = requiredKey(obj, 'add', at, expectNonNegative);
      return { kind, ...(target === undefined ? {} : { service: target.name }), ...when, add };
    }
    case 'noisy-neighbour': {
      const target = service();
      const replica = optionalKey(
        obj,
        'replica',
        at,
        (v, f) => expectReplica(v, f, target),
        undefined,
      );
      const cores = requiredKey(obj, 'cores', at, expectPositive);
      if (!(cores < target.cores)) {
        at.key('cores').fail(
          `cores must be less than the ${target.cores} cores of a ${target.name} replica, got ${cores}`,
        );
      }
      return {
        kind,
        service: target.name,
        ...(replica === undefined ? {} : { replica }),
        ...when,
        cores,
      };
    }
  }
}

function expectService(
  raw: unknown,
  at: Field,
  services: ReadonlyMap<string, ServiceSpec>,
): ServiceSpec {
  const name = expectString(raw, at);
  const found = services.get(name);
  if (found === undefined) {
    at.fail(
      `service must name a defined service (${[...services.keys()].join(', ')}), got ${show(name)}`,
    );
  }
  return found;
}

/** A replica index of `service`: an integer in [0, replicas). */
function expectReplica(raw: unknown, at: Field, service: ServiceSpec): number {
  const n = service.replicas;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0 || raw >= n) {
    at.fail(`replica must be an integer in [0, ${n}) (${service.name} has ${n}), got ${show(raw)}`);
  }
  return raw;
}
