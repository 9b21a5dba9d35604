/**
 * The registry of named policies: each with a one-line description, its documented
 * default parameters, and a factory. `createPolicy(name, overrides)` validates the
 * overrides (from a JSON/YAML policy config) against the defaults.
 */
import { UsageError } from '../sim-cluster/errors.js';
import { mergeParams, type Params } from './params.js';
import type { Policy, PolicyContext } from './policy.js';
import { NO_CONTROL_DEFAULTS, NoControl } from './no-control.js';
import { STATIC_QUOTAS_DEFAULTS, StaticQuotas } from './static-quotas.js';

export interface PolicyEntry {
  readonly name: string;
  /** One line for `governor policies`. */
  readonly description: string;
  /** Every tunable parameter with its default (documented where the policy is defined). */
  readonly defaults: Params;
  create(params: Params, context: PolicyContext): Policy;
}

/** Registers a policy whose factory takes its own parameter type. */
function entry<P extends Params>(
  name: string,
  description: string,
  defaults: P,
  create: (params: P, context: PolicyContext) => Policy,
): PolicyEntry {
  return { name, description, defaults, create: (p, c) => create(p as P, c) };
}

const ENTRIES: readonly PolicyEntry[] = [
  entry(
    'none',
    'no control: admit everything, scheduler defaults everywhere',
    NO_CONTROL_DEFAULTS,
    () => new NoControl(),
  ),
  entry(
    'static',
    "static quotas: each tenant's ingress token bucket fixed at its guaranteed rate",
    STATIC_QUOTAS_DEFAULTS,
    (p) => new StaticQuotas(p),
  ),
];

/** Every registered policy, in the order `governor policies` lists them. */
export function policyEntries(): readonly PolicyEntry[] {
  return ENTRIES;
}

export function policyNames(): string[] {
  return ENTRIES.map((e) => e.name);
}

/**
 * A fresh policy by name. `overrides` (a parsed policy config) replace some defaults;
 * `file` names the config in error messages. Unknown names throw a `UsageError` listing
 * the known ones.
 */
export function createPolicy(
  name: string,
  overrides?: unknown,
  context: PolicyContext = {},
  file?: string,
): Policy {
  const e = ENTRIES.find((x) => x.name === name);
  if (e === undefined)
    throw new UsageError(`unknown policy '${name}' (known: ${policyNames().join(', ')})`);
  return e.create(mergeParams(name, e.defaults, overrides, file), context);
}
