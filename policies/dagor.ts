/**
 * DAGOR (Zhou et al., "Overload Control for Scaling WeChat Microservices", SoCC 2018).
 * Overload is detected from the average queueing time of a window (threshold about
 * 20 ms). Requests carry an admission level — business priority, then user priority —
 * and a service admits only levels above its cut. Overloaded: raise the cut so the
 * admitted load falls by about 5%; otherwise lower it so the admitted load grows by
 * about 1%. Services piggyback their cut on responses, so upstreams shed early and
 * consistently over the whole call graph.
 *
 * Simplifications: business priority is the tenant's weight (larger first) and user
 * priorities are uniform within a tenant, so a service's cut is equivalent to an
 * admitted hop rate filled in priority order, the marginal tenant admitted with the
 * matching probability (`admitProbability` at that service); each service keeps its own
 * cut from its own queueing time, once per control window; there is no piggybacking of
 * cuts to upstreams, so a request may be shed at a deeper hop after using upstream work.
 */
import {
  decisionAfter,
  windowSeconds,
  type Decision,
  type Policy,
  type Signals,
  type AdmissionKnobs,
  type ServiceDecision,
} from './policy.js';

export const DAGOR_DEFAULTS = {
  /** Mean queueing seconds at a service above which it is overloaded (paper: 20 ms). */
  queueingThresholdSeconds: 0.02,
  /** Fraction by which the admitted load falls in an overloaded window (paper: 5%). */
  decreaseFraction: 0.05,
  /** Fraction by which the admitted load grows otherwise (paper: 1%). */
  increaseFraction: 0.01,
};
export type DagorParams = typeof DAGOR_DEFAULTS;

export class Dagor implements Policy {
  readonly name = 'dagor';
  /** Per service: hops per second it admits over all tenants, or Infinity (no cut). */
  private admitted = new Map<string, number>();

  constructor(private readonly params: DagorParams = DAGOR_DEFAULTS) {}

  reset(): void {
    this.admitted.clear();
  }

  decide(signals: Signals): Decision {
    const p = this.params;
    const w = windowSeconds(signals);
    const services: Record<string, ServiceDecision> = {};
    for (const svc of signals.services) {
      // Hops that reached the service per tenant (served or turned away), per second.
      const arriving = svc.tenants.map((t) => (t.hops + t.rejected) / w);
      const total = arriving.reduce((a, b) => a + b, 0);
      let cut = this.admitted.get(svc.name) ?? Infinity;
      // The load the current cut admits is min(cut, arriving); move it by -5% / +1%.
      if (svc.meanWait > p.queueingThresholdSeconds)
        cut = Math.min(cut, total) * (1 - p.decreaseFraction);
      else if (cut !== Infinity) cut *= 1 + p.increaseFraction;
      if (cut >= total * 1.5) cut = Infinity;
      this.admitted.set(svc.name, cut);
      if (cut === Infinity) continue;
      // Fill the admitted load in business-priority order; the marginal tenant is cut partway.
      const order = signals.tenants
        .map((_, i) => i)
        .sort((a, b) => signals.tenants[b]!.weight - signals.tenants[a]!.weight || a - b);
      let left = cut;
      const tenants: Record<string, AdmissionKnobs> = {};
      for (const i of order) {
        const demand = arriving[i]!;
        if (demand <= 0) continue;
        const rate = Math.max(0, Math.min(demand, left));
        left -= rate;
        if (rate < demand) tenants[signals.tenants[i]!.name] = { admitProbability: rate / demand };
      }
      services[svc.name] = { tenants };
    }
    return decisionAfter(signals, { services });
  }
}
