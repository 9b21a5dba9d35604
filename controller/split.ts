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
  forEachPart(decision, instances, (inst, part) => parts.set(inst.id, part));
  return parts;
}

/**
 * `splitDecision` one part at a time, in the order of `instances`: the daemon encodes and
 * sends each part at once, so a round's 1,000 parts never live all at the same time.
 */
export function forEachPart(
  decision: Decision,
  instances: readonly InstanceDemand[],
  visit: (inst: InstanceDemand, part: DecisionPart) => void,
): void {
  const split = new Split(decision, instances);
  instances.forEach((inst, i) => visit(inst, split.part(i)));
}

/**
 * A split prepared once for a round: the decision's knobs sorted by where they go and
 * each group's demand totals. `part(i)` is instance `i`'s part; `share(i, tenant)` the
 * share of the tenant's budget it gets, which is all an ingress part needs (the daemon
 * writes those straight into bytes, codec.ts's `ingressPartEncoder`).
 */
export class Split {
  readonly knobs: DecisionKnobs;
  private readonly shares: DemandShares[];

  constructor(
    decision: Decision,
    readonly instances: readonly InstanceDemand[],
  ) {
    const byGroup = new Map<string, InstanceDemand[]>();
    const groupKeys = instances.map(groupOf);
    instances.forEach((inst, i) => {
      const group = byGroup.get(groupKeys[i]!);
      if (group === undefined) byGroup.set(groupKeys[i]!, [inst]);
      else group.push(inst);
    });
    const totals = new Map<string, DemandShares>();
    for (const [key, group] of byGroup) totals.set(key, new DemandShares(group));
    this.shares = groupKeys.map((key) => totals.get(key)!);
    this.knobs = new DecisionKnobs(decision);
  }

  part(i: number): DecisionPart {
    return partOf(this.knobs, this.instances[i]!, this.shares[i]!);
  }

  /** Instance `i`'s share of `tenant` among its group (of all its demand when left out). */
  share(i: number, tenant?: string): number {
    return this.shares[i]!.of(this.instances[i]!, tenant);
  }
}

/**
 * The part of the one instance `id` (as `splitDecision` would give it), computing only
 * its group's demand totals: what a (re)registering instance is sent.
 */
export function splitDecisionFor(
  decision: Decision,
  instances: readonly InstanceDemand[],
  id: string,
): DecisionPart | undefined {
  const inst = instances.find((i) => i.id === id);
  if (inst === undefined) return undefined;
  const group = groupOf(inst);
  const peers = instances.filter((i) => groupOf(i) === group);
  return partOf(new DecisionKnobs(decision), inst, new DemandShares(peers));
}

/**
 * The decision's per-tenant knobs sorted by where they go, computed once per split
 * rather than once per instance (a round splits for 1,000 instances). Parts share the
 * objects of knobs they copy unchanged.
 */
export class DecisionKnobs {
  /** Per tenant: what an ingress enforces (rate limit, deadline admission). */
  readonly ingress: readonly (readonly [string, TenantDecision])[];
  /** Per tenant: what a service enforces (every other knob). */
  readonly service: readonly (readonly [string, AdmissionKnobs])[];

  constructor(readonly decision: Decision) {
    const entries = Object.entries(decision.tenants ?? {});
    this.ingress = entries.map(([name, d]) => {
      const out: { -readonly [K in keyof TenantDecision]: TenantDecision[K] } = {};
      if (d.deadlineAdmission !== undefined) out.deadlineAdmission = d.deadlineAdmission;
      if (d.rateLimit !== undefined) out.rateLimit = d.rateLimit;
      return [name, out] as const;
    });
    this.service = entries.map(([name, d]) => {
      const { rateLimit: _rate, deadlineAdmission: _deadline, ...knobs } = d;
      return [name, knobs] as const;
    });
  }
}

/** Instances that split a budget among themselves: all ingresses, or one service's. */
function groupOf(inst: InstanceDemand): string {
  return inst.role === 'ingress' ? 'ingress' : `service:${inst.service}`;
}

function partOf(knobs: DecisionKnobs, inst: InstanceDemand, shares: DemandShares): DecisionPart {
  return inst.role === 'ingress'
    ? ingressPart(knobs, inst, shares)
    : servicePart(knobs, inst, shares);
}

/** `inst`'s share of `tenant` among `peers` (by demand; equal when nobody saw any). */
export function demandShare(
  inst: InstanceDemand,
  peers: readonly InstanceDemand[],
  tenant?: string,
): number {
  return new DemandShares(peers).of(inst, tenant);
}

/**
 * `limit` × `share`, where an unbounded limit stays unbounded: Infinity × a share of 0
 * (an instance that saw none of the tenant's demand) would be NaN, which version 1 reads
 * as invalid and version 2 as a knob left out.
 */
export function scaled(limit: number, share: number): number {
  return limit === Infinity ? Infinity : limit * share;
}

/** Demand totals of one group of peers, computed once so a split is linear in its size. */
class DemandShares {
  private readonly byTenant = new Map<string, number>();
  private readonly total: number;
  private readonly count: number;

  constructor(peers: readonly InstanceDemand[]) {
    let total = 0;
    for (const p of peers) {
      // `for…in`: the keys of `Object.entries`, without an array per instance.
      for (const t in p.demand) {
        const d = p.demand[t]!;
        this.byTenant.set(t, (this.byTenant.get(t) ?? 0) + d);
        total += d;
      }
    }
    this.total = total;
    this.count = peers.length;
  }

  /** Share of `inst` for `tenant`, or of all its demand when `tenant` is left out. */
  of(inst: InstanceDemand, tenant?: string): number {
    const mine =
      tenant === undefined
        ? Object.values(inst.demand).reduce((a, d) => a + d, 0)
        : (inst.demand[tenant] ?? 0);
    const total = tenant === undefined ? this.total : (this.byTenant.get(tenant) ?? 0);
    return total > 0 ? mine / total : 1 / this.count;
  }
}

function ingressPart(
  knobs: DecisionKnobs,
  inst: InstanceDemand,
  shares: DemandShares,
): DecisionPart {
  const tenants: Record<string, TenantDecision> = {};
  for (const [name, d] of knobs.ingress) {
    if (d.rateLimit !== undefined) {
      const share = shares.of(inst, name);
      const rateLimit = {
        ratePerSecond: scaled(d.rateLimit.ratePerSecond, share),
        burst: Math.max(1, scaled(d.rateLimit.burst, share)),
      };
      tenants[name] =
        d.deadlineAdmission === undefined
          ? { rateLimit }
          : { deadlineAdmission: d.deadlineAdmission, rateLimit };
    } else if (d.deadlineAdmission !== undefined) tenants[name] = d;
  }
  return { tenants };
}

function servicePart(
  knobs: DecisionKnobs,
  inst: InstanceDemand,
  shares: DemandShares,
): DecisionPart {
  const tenants: Record<string, AdmissionKnobs> = {};
  for (const [name, k] of knobs.service) tenants[name] = scaleKnobs(k, shares, inst, name);
  const own = knobs.decision.services?.[inst.service];
  if (own === undefined) return { tenants };
  const service: { -readonly [K in keyof ServiceDecision]: ServiceDecision[K] } = {};
  if (own.concurrencyLimit !== undefined)
    service.concurrencyLimit = scaled(own.concurrencyLimit, shares.of(inst));
  if (own.queueDelayThreshold !== undefined) service.queueDelayThreshold = own.queueDelayThreshold;
  if (own.tenants !== undefined) {
    service.tenants = Object.fromEntries(
      Object.entries(own.tenants).map(([t, k]) => [t, scaleKnobs(k, shares, inst, t)]),
    );
  }
  return { tenants, services: { [inst.service]: service } };
}

/** `knobs` with its concurrency limit scaled to `inst`'s share of `tenant` (if it has one). */
function scaleKnobs(
  knobs: AdmissionKnobs,
  shares: DemandShares,
  inst: InstanceDemand,
  tenant: string,
): AdmissionKnobs {
  return knobs.concurrencyLimit === undefined
    ? knobs
    : { ...knobs, concurrencyLimit: scaled(knobs.concurrencyLimit, shares.of(inst, tenant)) };
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
