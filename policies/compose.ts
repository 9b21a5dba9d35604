/**
 * Composition of heuristics: several policies decide on the same Signals and their
 * decisions are merged knob by knob, later policies overriding earlier ones where both
 * set the same knob of the same tenant or service. It lets one policy govern ingress
 * rates per tenant (e.g. Retro DRF) while another governs service concurrency and queue
 * delay (e.g. Breakwater). ClusterEnv's residual mode and the learned policy use a
 * composition as the base their learned corrections apply to.
 */
import { InvalidConfigError } from '../sim-cluster/errors.js';
import type {
  AdmissionKnobs,
  Decision,
  Policy,
  PolicyContext,
  ServiceDecision,
  Signals,
  TenantDecision,
} from './policy.js';
import { createPolicy } from './registry.js';

/** One policy of a composition: a registry name and optional parameter overrides. */
export interface BasePolicySpec {
  readonly policy: string;
  readonly config?: Readonly<Record<string, unknown>>;
}

/** A base given as one policy or a list of them. */
export type BaseSpec = BasePolicySpec | readonly BasePolicySpec[];

/** `spec` as a non-empty list; throws an InvalidConfigError naming `where` otherwise. */
export function basePolicySpecs(spec: BaseSpec, where = 'base'): BasePolicySpec[] {
  const list = Array.isArray(spec) ? (spec as readonly BasePolicySpec[]) : [spec as BasePolicySpec];
  if (list.length === 0)
    throw new InvalidConfigError(where, 'base', 'must name at least one policy');
  list.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || typeof s.policy !== 'string')
      throw new InvalidConfigError(
        where,
        `base[${i}].policy`,
        `must be a policy name, got ${JSON.stringify(s)}`,
      );
  });
  return list.map((s) => (s.config === undefined ? { policy: s.policy } : { ...s }));
}

function mergeKnobs<K extends object>(a: K | undefined, b: K | undefined): K | undefined {
  return a === undefined ? b : b === undefined ? a : { ...a, ...b };
}

function mergeServices(
  a: Readonly<Record<string, ServiceDecision>> | undefined,
  b: Readonly<Record<string, ServiceDecision>> | undefined,
): Readonly<Record<string, ServiceDecision>> | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const out: Record<string, ServiceDecision> = { ...a };
  for (const [name, s] of Object.entries(b)) {
    const prev = out[name];
    if (prev === undefined) {
      out[name] = s;
      continue;
    }
    const tenants = mergeRecords<AdmissionKnobs>(prev.tenants, s.tenants);
    out[name] = { ...prev, ...s, ...(tenants === undefined ? {} : { tenants }) };
  }
  return out;
}

function mergeRecords<V extends object>(
  a: Readonly<Record<string, V>> | undefined,
  b: Readonly<Record<string, V>> | undefined,
): Readonly<Record<string, V>> | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const out: Record<string, V> = { ...a };
  for (const [name, v] of Object.entries(b)) out[name] = mergeKnobs(out[name], v)!;
  return out;
}

/**
 * The decisions merged knob by knob (later ones win per knob); epoch and time-to-live
 * are the last decision's. One decision is returned as it is.
 */
export function mergeDecisions(decisions: readonly Decision[]): Decision {
  let out = decisions[0]!;
  for (let i = 1; i < decisions.length; i++) {
    const d = decisions[i]!;
    const tenants = mergeRecords<TenantDecision>(out.tenants, d.tenants);
    const services = mergeServices(out.services, d.services);
    out = {
      epoch: d.epoch,
      ttlSeconds: d.ttlSeconds,
      ...(tenants === undefined ? {} : { tenants }),
      ...(services === undefined ? {} : { services }),
    };
  }
  return out;
}

/** Several policies deciding together (see the module comment); named `a+b`. */
export class ComposedPolicy implements Policy {
  readonly name: string;

  constructor(readonly policies: readonly Policy[]) {
    if (policies.length === 0) throw new InvalidConfigError('base', 'base', 'no policies');
    this.name = policies.map((p) => p.name).join('+');
  }

  decide(signals: Signals): Decision {
    if (this.policies.length === 1) return this.policies[0]!.decide(signals);
    return mergeDecisions(this.policies.map((p) => p.decide(signals)));
  }

  reset(): void {
    for (const p of this.policies) p.reset?.();
  }
}

/**
 * The composition of `spec` from the registry. A single policy gets `context` as it is
 * (so it behaves exactly as when run alone); in a list, each gets its own fork of the
 * context's stream.
 */
export function createComposedPolicy(
  spec: BaseSpec,
  context: PolicyContext = {},
  where = 'base',
): ComposedPolicy {
  const specs = basePolicySpecs(spec, where);
  return new ComposedPolicy(
    specs.map((s, i) =>
      createPolicy(
        s.policy,
        s.config,
        specs.length === 1 || context.rng === undefined
          ? context
          : { rng: context.rng.fork(`${i}:${s.policy}`) },
        where,
      ),
    ),
  );
}
