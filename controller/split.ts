/**
 * Splitting (pure): one cluster-wide Decision → the part each instance enforces.
 *
 * As in Retro, a tenant's global rate limit is divided among the ingress instances in
 * proportion to the demand each observed for that tenant in the last window (equally when
 * none saw any); bursts are divided the same way but never below 1 token. Concurrency
 * limits, which the Decision states for a whole service (all replicas), are divided among
 * that service's instances by demand too. Weights, priorities, admission probabilities
 * and queue-delay thresholds are per-request rules and are copied unchanged; deadline
 * admission goes to the ingress with the rate limits. With one
 * instance per role every share is exactly 1, so the parts recombine to the Decision.
 */
import type {
  AdmissionKnobs,
  Decision,
  ServiceDecision,
  TenantDecision,
} from '../sim-cluster/enforcement.js';
import type { DecisionPart, Role } from './protocol.js';

/** What the splitter knows of one live instance. */
export interface InstanceDemand {
  readonly id: string;
  readonly role: Role;
  readonly service: string;
  /** Per tenant: requests (ingress) or hops (service) seen in the last window. */
  readonly demand: Readonly<Record<string, number>>;
}

/** The part of `decision` for every instance, keyed by instance id. */
export function splitDecision(
  decision: Decision,
  instances: readonly InstanceDemand[],
): Map<string, DecisionPart> {
  const parts = new Map<string, DecisionPart>();
  const ingress = instances.filter((i) => i.role === 'ingress');
  for (const inst of ingress) parts.set(inst.id, ingressPart(decision, inst, ingress));
  for (const inst of instances) {
    if (inst.role !== 'service') continue;
    const peers = instances.filter((i) => i.role === 'service' && i.service === inst.service);
    parts.set(inst.id, servicePart(decision, inst, peers));
  }
  return parts;
}

/** `inst`'s share of `tenant` among `peers` (by demand; equal when nobody saw any). */
export function demandShare(
  inst: InstanceDemand,
  peers: readonly InstanceDemand[],
  tenant?: string,
): number {
  const of = (i: InstanceDemand) =>
    tenant === undefined
      ? Object.values(i.demand).reduce((a, d) => a + d, 0)
      : (i.demand[tenant] ?? 0);
  const total = peers.reduce((a, p) => a + of(p), 0);
  return total > 0 ? of(inst) / total : 1 / peers.length;
}

function ingressPart(
  decision: Decision,
  inst: InstanceDemand,
  peers: readonly InstanceDemand[],
): DecisionPart {
  const tenants: Record<string, TenantDecision> = {};
  for (const [name, d] of Object.entries(decision.tenants ?? {})) {
    const out: { -readonly [K in keyof TenantDecision]: TenantDecision[K] } = {};
    if (d.deadlineAdmission !== undefined) out.deadlineAdmission = d.deadlineAdmission;
    if (d.rateLimit !== undefined) {
      const share = demandShare(inst, peers, name);
      out.rateLimit = {
        ratePerSecond: d.rateLimit.ratePerSecond * share,
        burst: Math.max(1, d.rateLimit.burst * share),
      };
    }
    if (Object.keys(out).length > 0) tenants[name] = out;
  }
  return { tenants };
}

function servicePart(
  decision: Decision,
  inst: InstanceDemand,
  peers: readonly InstanceDemand[],
): DecisionPart {
  const tenants: Record<string, AdmissionKnobs> = {};
  for (const [name, d] of Object.entries(decision.tenants ?? {})) {
    const { rateLimit: _rate, deadlineAdmission: _deadline, ...knobs } = d;
    tenants[name] = scaleKnobs(knobs, demandShare(inst, peers, name));
  }
  const own = decision.services?.[inst.service];
  if (own === undefined) return { tenants };
  const service: { -readonly [K in keyof ServiceDecision]: ServiceDecision[K] } = {};
  if (own.concurrencyLimit !== undefined)
    service.concurrencyLimit = own.concurrencyLimit * demandShare(inst, peers);
  if (own.queueDelayThreshold !== undefined) service.queueDelayThreshold = own.queueDelayThreshold;
  if (own.tenants !== undefined) {
    service.tenants = Object.fromEntries(
      Object.entries(own.tenants).map(([t, k]) => [t, scaleKnobs(k, demandShare(inst, peers, t))]),
    );
  }
  return { tenants, services: { [inst.service]: service } };
}

function scaleKnobs(knobs: AdmissionKnobs, share: number): AdmissionKnobs {
  return knobs.concurrencyLimit === undefined
    ? knobs
    : { ...knobs, concurrencyLimit: knobs.concurrencyLimit * share };
}

/**
 * The inverse for one ingress and one instance per service (the simulator bridge): the
 * parts received → the Decision they came from.
 */
export function combineParts(
  parts: readonly { role: Role; part: DecisionPart }[],
  epoch: number,
  ttlSeconds: number,
): Decision {
  const tenants: Record<string, TenantDecision> = {};
  const services: Record<string, ServiceDecision> = {};
  for (const { role, part } of parts) {
    for (const [name, d] of Object.entries(part.tenants ?? {})) {
      tenants[name] = role === 'ingress' ? { ...tenants[name], ...d } : { ...d, ...tenants[name] };
    }
    Object.assign(services, part.services ?? {});
  }
  return { epoch, ttlSeconds, tenants, services };
}
