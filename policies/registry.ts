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
import { RETRO_DEFAULTS, RetroBfair, RetroDrf, RetroLatency } from './retro.js';
import { AIMD_DEFAULTS, Aimd } from './aimd.js';
import { DAGOR_DEFAULTS, Dagor } from './dagor.js';
import { BREAKWATER_DEFAULTS, Breakwater } from './breakwater.js';
import { GRADIENT2_DEFAULTS, Gradient2 } from './gradient2.js';
import { ENVOY_ADAPTIVE_DEFAULTS, EnvoyAdaptive } from './envoy-adaptive.js';
import { AEQUITAS_DEFAULTS, Aequitas } from './aequitas.js';
import { CLOCKWORK_DEFAULTS, Clockwork } from './clockwork.js';

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
  entry(
    'retro-bfair',
    'Retro BFAIR: weighted fair shares of the most slowed service, as ingress rate limits',
    RETRO_DEFAULTS,
    (p) => new RetroBfair(p),
  ),
  entry(
    'retro-latency',
    'Retro LATENCY: throttle low-priority tenants on the resource slowing a high-priority one',
    RETRO_DEFAULTS,
    (p) => new RetroLatency(p),
  ),
  entry(
    'retro-drf',
    'Retro DRF: dominant resource fairness over every service, as ingress rate limits',
    RETRO_DEFAULTS,
    (p) => new RetroDrf(p),
  ),
  entry(
    'aimd',
    'AIMD per tenant: additive rate increase while the SLO holds, multiplicative cut on a miss',
    AIMD_DEFAULTS,
    (p) => new Aimd(p),
  ),
  entry(
    'dagor',
    'DAGOR: queueing-time overload detection, priority levels (-5% / +1%), shed at the entry',
    DAGOR_DEFAULTS,
    (p) => new Dagor(p),
  ),
  entry(
    'breakwater',
    'Breakwater: per-service credit pools driven by queueing delay, early drop at 2x target',
    BREAKWATER_DEFAULTS,
    (p) => new Breakwater(p),
  ),
  entry(
    'gradient2',
    'Netflix Gradient2: per-service concurrency limit from the baseline/sample RTT gradient',
    GRADIENT2_DEFAULTS,
    (p) => new Gradient2(p),
  ),
  entry(
    'envoy-adaptive',
    'Envoy adaptive concurrency: gradient limit + sqrt(L) headroom, periodic minRTT probes',
    ENVOY_ADAPTIVE_DEFAULTS,
    (p) => new EnvoyAdaptive(p),
  ),
  entry(
    'aequitas',
    'Aequitas: per-class admit probability, +alpha per window in SLO, cut by the missed fraction',
    AEQUITAS_DEFAULTS,
    (p) => new Aequitas(p),
  ),
  entry(
    'clockwork',
    'Clockwork-style proactive admission: reject at arrival what is predicted to miss its SLO',
    CLOCKWORK_DEFAULTS,
    (p) => new Clockwork(p),
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
