/** `tenants.<name>`: a tenant's arrival process, request mix, SLO and entitlements. */
import type { ArrivalSpec, SloSpec, TenantSpec } from './types.js';
import {
  type Field,
  expectEnum,
  expectKeys,
  expectMapping,
  expectName,
  expectNonEmptyMapping,
  expectNonNegative,
  expectNumber,
  expectPositive,
  expectPresent,
  optionalKey,
  requiredKey,
} from './field.js';

const TENANT_KEYS = ['arrivals', 'requests', 'slo', 'guaranteedRate', 'weight'] as const;

/** Arrival processes and the keys each one takes (besides `process`). */
const ARRIVAL_PROCESSES = { poisson: ['rate'] } as const;
type ArrivalProcessName = keyof typeof ARRIVAL_PROCESSES;

/** Validates `tenants`, a non-empty mapping of tenant name to its settings. */
export function parseTenants(raw: unknown, at: Field, apis: ReadonlySet<string>): TenantSpec[] {
  const tenants = expectNonEmptyMapping(raw, 'tenant', at);
  return Object.entries(tenants).map(([name, value]) => {
    const tenantAt = at.key(name);
    expectName(name, 'tenant', tenantAt);
    const obj = expectMapping(value, tenantAt);
    expectKeys(obj, TENANT_KEYS, tenantAt);
    const guaranteedRate = optionalKey(
      obj,
      'guaranteedRate',
      tenantAt,
      expectNonNegative,
      undefined,
    );
    return {
      name,
      arrivals: requiredKey(obj, 'arrivals', tenantAt, parseArrivals),
      requests: requiredKey(obj, 'requests', tenantAt, (v, f) => parseRequests(v, f, apis)),
      slo: requiredKey(obj, 'slo', tenantAt, parseSlo),
      weight: optionalKey(obj, 'weight', tenantAt, expectPositive, 1),
      ...(guaranteedRate === undefined ? {} : { guaranteedRate }),
    };
  });
}

function parseArrivals(raw: unknown, at: Field): ArrivalSpec {
  const obj = expectMapping(raw, at);
  const names = Object.keys(ARRIVAL_PROCESSES) as ArrivalProcessName[];
  const process = expectEnum(expectPresent(obj, 'process', at), names, at.key('process'));
  expectKeys(obj, ['process', ...ARRIVAL_PROCESSES[process]], at);
  return { process, rate: requiredKey(obj, 'rate', at, expectPositive) };
}

function parseRequests(raw: unknown, at: Field, apis: ReadonlySet<string>): TenantSpec['requests'] {
  const mix = expectNonEmptyMapping(raw, 'api', at);
  return Object.entries(mix).map(([api, weight]) => {
    if (!apis.has(api)) {
      at.key(api).fail(`requests must name defined apis (${[...apis].join(', ')}), got "${api}"`);
    }
    return { api, weight: expectPositive(weight, at.key(api)) };
  });
}

function parseSlo(raw: unknown, at: Field): SloSpec {
  const obj = expectMapping(raw, at);
  expectKeys(obj, ['latency', 'percentile'], at);
  const latency = requiredKey(obj, 'latency', at, expectPositive);
  const percentile = requiredKey(obj, 'percentile', at, expectPercentile);
  return { latency, percentile };
}

/** A percentile in (0, 100]. */
function expectPercentile(raw: unknown, at: Field): number {
  const percentile = expectNumber(raw, at);
  if (!(percentile > 0 && percentile <= 100)) {
    at.fail(`percentile must be in (0, 100], got ${percentile}`);
  }
  return percentile;
}
