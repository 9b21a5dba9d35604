/** `tenants.<name>`: a tenant's arrival process, request mix, SLO, entitlements and client. */
import { parseArrivals } from './arrivals.js';
import { parseClient } from './client-policies.js';
import type { ParseOptions } from './context.js';
import type { ArrivalSpec, SloSpec, TenantSpec } from './types.js';
import {
  type Field,
  expectKeys,
  expectMapping,
  expectName,
  expectNonEmptyMapping,
  expectNonNegative,
  expectNumber,
  expectPositive,
  optionalKey,
  requiredKey,
} from './field.js';

const TENANT_KEYS = ['arrivals', 'requests', 'slo', 'guaranteedRate', 'weight', 'client'] as const;

/** Validates `tenants`, a non-empty mapping of tenant name to its settings. */
export function parseTenants(
  raw: unknown,
  at: Field,
  apis: ReadonlySet<string>,
  options: ParseOptions = {},
): TenantSpec[] {
  const tenants = expectNonEmptyMapping(raw, 'tenant', at);
  return Object.entries(tenants).map(([name, value]) => {
    const tenantAt = at.key(name);
    expectName(name, 'tenant', tenantAt);
    const obj = expectMapping(value, tenantAt);
    expectKeys(obj, TENANT_KEYS, tenantAt);
    const context = { tenant: name, apis, options };
    const arrivals = requiredKey(obj, 'arrivals', tenantAt, (v, f) => parseArrivals(v, f, context));
    const parseMix = (v: unknown, f: Field) => parseRequests(v, f, apis);
    const requests =
      arrivals.process === 'trace'
        ? optionalKey(obj, 'requests', tenantAt, parseMix, traceMix(arrivals))
        : requiredKey(obj, 'requests', tenantAt, parseMix);
    const guaranteedRate = optionalKey(
      obj,
      'guaranteedRate',
      tenantAt,
      expectNonNegative,
      undefined,
    );
    const client = optionalKey(obj, 'client', tenantAt, parseClient, undefined);
    return {
      name,
      arrivals,
      requests,
      slo: requiredKey(obj, 'slo', tenantAt, parseSlo),
      weight: optionalKey(obj, 'weight', tenantAt, expectPositive, 1),
      ...(guaranteedRate === undefined ? {} : { guaranteedRate }),
      ...(client === undefined ? {} : { client }),
    };
  });
}

/**
 * A trace tenant's default mix: the APIs of its rows weighted by their counts, in order
 * of first appearance. (Each replayed request keeps its own API; the mix describes it.)
 */
function traceMix(arrivals: ArrivalSpec): TenantSpec['requests'] {
  const counts = new Map<string, number>();
  if (arrivals.process === 'trace') {
    for (const row of arrivals.rows) counts.set(row.api, (counts.get(row.api) ?? 0) + 1);
  }
  return [...counts].map(([api, weight]) => ({ api, weight }));
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
