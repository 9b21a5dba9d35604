/**
 * APIs and their call trees: `apis.<name>.call` as written (a call with child `calls`,
 * where an element `{parallel: [...]}` fans out) normalised into `CallSpec.steps`.
 */
import { validateDistributionSpec } from '../distributions.js';
import { parseRetryPolicy } from './client-policies.js';
import type { ApiSpec, CallSpec, DistributionSpec } from './types.js';
import {
  type Field,
  expectKeys,
  expectList,
  expectMapping,
  expectName,
  expectNonEmptyMapping,
  expectNonNegativeInteger,
  expectPresent,
  expectString,
  optionalKey,
  show,
} from './field.js';

/** Deepest call tree accepted: the root call is at depth 1. */
export const MAX_CALL_DEPTH = 32;

const API_KEYS = ['call'] as const;
const CALL_KEYS = [
  'service',
  'work',
  'postWork',
  'calls',
  'timeout',
  'retries',
  'backoff',
  'retryBudget',
] as const;

/** What a call tree may refer to, and the calls on the path from the root (cycle check). */
interface CallContext {
  readonly services: ReadonlySet<string>;
  readonly ancestors: Set<object>;
}

/** Validates `apis`, a non-empty mapping of API name to `{call}`. */
export function parseApis(raw: unknown, at: Field, services: ReadonlySet<string>): ApiSpec[] {
  const apis = expectNonEmptyMapping(raw, 'api', at);
  return Object.entries(apis).map(([name, value]) => {
    const apiAt = at.key(name);
    expectName(name, 'api', apiAt);
    const api = expectMapping(value, apiAt);
    expectKeys(api, API_KEYS, apiAt);
    const context: CallContext = { services, ancestors: new Set() };
    const call = parseCall(expectPresent(api, 'call', apiAt), apiAt.key('call'), context, 1);
    return { name, call };
  });
}

function parseCall(raw: unknown, at: Field, context: CallContext, depth: number): CallSpec {
  const obj = expectMapping(raw, at);
  if (context.ancestors.has(obj)) {
    at.fail('call tree is cyclic: this call contains itself (through a YAML alias)');
  }
  if (depth > MAX_CALL_DEPTH) {
    at.fail(`call trees may be at most ${MAX_CALL_DEPTH} calls deep, got depth ${depth}`);
  }
  expectKeys(obj, CALL_KEYS, at);
  const service = expectString(expectPresent(obj, 'service', at), at.key('service'));
  if (!context.services.has(service)) {
    at.key('service').fail(
      `service must name a defined service (${[...context.services].join(', ')}), got ${show(service)}`,
    );
  }
  const work = distribution(expectPresent(obj, 'work', at), at.key('work'));
  const postWork = optionalKey(obj, 'postWork', at, distribution, undefined);
  const policy = parseRetryPolicy(obj, at);
  const retries = optionalKey(obj, 'retries', at, expectNonNegativeInteger, 0);
  context.ancestors.add(obj);
  const parseChildren = (raw: unknown, f: Field) => parseSteps(raw, f, context, depth);
  const steps = optionalKey(obj, 'calls', at, parseChildren, []);
  context.ancestors.delete(obj);
  return {
    service,
    work,
    steps,
    retries,
    ...(postWork === undefined ? {} : { postWork }),
    ...policy,
  };
}

/** Each element of `calls` is one step: a call alone, or `{parallel: [calls]}` together. */
function parseSteps(raw: unknown, at: Field, context: CallContext, depth: number): CallSpec[][] {
  return expectList(raw, at).map((element, i) => {
    const elementAt = at.index(i);
    const obj = expectMapping(element, elementAt);
    if (!('parallel' in obj)) return [parseCall(obj, elementAt, context, depth + 1)];
    expectKeys(obj, ['parallel'], elementAt);
    const parallelAt = elementAt.key('parallel');
    return expectList(obj['parallel'], parallelAt, true).map((c, j) =>
      parseCall(c, parallelAt.index(j), context, depth + 1),
    );
  });
}

function distribution(raw: unknown, at: Field): DistributionSpec {
  return validateDistributionSpec(raw, at.file, at.path);
}
