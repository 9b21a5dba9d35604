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
    const guaranteed = obj['guaranteedRate'];
    return {
      name,
      arrivals: parseArrivals(expectPresent(obj, 'arrivals', tenantAt), tenantAt.key('arrivals')),
      requests: parseRequests(
        expectPresent(obj, 'requests', tenantAt),
        tenantAt.key('requests'),
        apis,
      ),
      slo: parseSlo(expectPresent(obj, 'slo', tenantAt), tenantAt.key('slo')),
      weight:
        obj['weight'] === undefined ? 1 : expectPositive(obj['weight'], tenantAt.key('weight')),
      ...(guaranteed === undefined
        ? {}
        : { guaranteedRate: expectNonNegative(guaranteed, tenantAt.key('guaranteedRate')) }),
    };
  });
}

function parseArrivals(raw: unknown, at: Field): ArrivalSpec {
  const obj = expectMapping(raw, at);
  const names = Object.keys(ARRIVAL_PROCESSES) as ArrivalProcessName[];
  const process = expectEnum(expectPresent(obj, 'process', at), names, at.key('process'));
  expectKeys(obj, ['process', ...ARRIVAL_PROCESSES[process]], at);
  return { process, rate: expectPositive(expectPresent(obj, 'rate', at), at.key('rate')) };
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
  const latency = expectPositive(expectPresent(obj, 'latency', at), at.key('latency'));
  const percentileAt = at.key('percentile');
  const percentile = expectNumber(expectPresent(obj, 'percentile', at), percentileAt);
  if (!(percentile > 0 && percentile <= 100)) {
    percentileAt.fail(`percentile must be in (0, 100], got ${percentile}`);
  }
  return { latency, percentile };
}
