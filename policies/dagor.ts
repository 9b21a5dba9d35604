/**
 * DAGOR (Zhou et al., "Overload Control for Scaling WeChat Microservices", SoCC 2018).
 *
 * - Overload detection, per service: the average queueing time of a window (paper: 1 s
 *   or 2000 requests; threshold 20 ms) above `queueingThresholdSeconds`.
 * - Priority admission: a request's admission level is (business priority, user
 *   priority), compared lexicographically; a service admits the levels up to its cut,
 *   which it keeps from a histogram of the load per level: overloaded, the cut moves so
 *   the admitted load falls by α = 5%; otherwise it moves so the admitted load grows by
 *   β = 1%.
 * - Collaborative admission: every service piggybacks its cut on its responses, so each
 *   upstream — up to the entry — knows the cuts of the services below it and rejects at
 *   once a request that some downstream service would shed, before any work is spent
 *   on it. Because a request's level is the same at every hop, the services' cuts
 *   compose into one: the most restrictive cut on the request's path.
 *
 * How this maps onto Governor's knobs. Business priority is the tenant's weight (larger
 * first); user priorities are uniform within a tenant, and tenants of equal weight share
 * their business level, so a cut inside a business level admits the same fraction of
 * each of its tenants' users. A service's cut is kept as the hop rate it admits and
 * turned into a level by filling that rate in priority order over the histogram of
 * its hop demand per level (each tenant's hops arriving there, scaled up by the
 * fraction of its users the entry admitted). Collaborative admission is enforced at
 * the entry: each tenant's ingress bucket admits the fraction of its offered rate that
 * the most restrictive cut among the services it calls allows, so nothing is shed after
 * work was spent on it.
 *
 * Simplifications: one update per control window (the window is the detection window);
 * the level is continuous (uniform user priorities) rather than discrete (B, U) pairs;
 * an overloaded service cuts from the rate it actually served (with a backlog, arrivals
 * overstate what it admits); an idle service grows its cut by β of the most it has served
 * (not of its current cut), so a cut driven low by a backlog recovers at a bounded pace;
 * services do not also shed locally (the entry has already shed what they would, one
 * window late); client retries of the root call do not pass the ingress bucket in the
 * simulator, so a storm of retries of admitted requests is only cut by shedding more
 * new ones. Measured: under a 2x step overload (test/policies/controllers.test.ts) goodput
 * is about 92% of capacity once the cut has converged (about 15 windows); a retry storm
 * that starts cold at 2x overload (no warm-up) still collapses, as the −5% per window
 * cut is too slow to keep the first window's backlog from timing out.
 */
import { bucket } from './observe.js';
import {
  decisionAfter,
  windowSeconds,
  type Decision,
  type Policy,
  type Signals,
  type TenantDecision,
} from './policy.js';

export const DAGOR_DEFAULTS = {
  /** Mean queueing seconds at a service above which it is overloaded (paper: 20 ms). */
  queueingThresholdSeconds: 0.02,
  /** α: fraction by which the admitted load falls in an overloaded window (paper: 5%). */
  decreaseFraction: 0.05,
  /** β: fraction by which the admitted load grows otherwise (paper: 1%). */
  increaseFraction: 0.01,
  /** Seconds of the admitted rate an entry bucket holds (smooths Poisson bursts). */
  burstSeconds: 0.05,
};
export type DagorParams = typeof DAGOR_DEFAULTS;

export class Dagor implements Policy {
  readonly name = 'dagor';
  /** Per service: hops per second its cut admits, or Infinity (no cut). */
  private cut = new Map<string, number>();
  /** Per service: the most hops per second it has served in a window (its capacity). */
  private peak = new Map<string, number>();
  /** Per service, per tenant: hops per second it would send there if fully admitted. */
  private potential = new Map<string, Float64Array>();
  /** Per service, per tenant: hops held at the end of the last window. */
  private outstanding = new Map<string, Float64Array>();
  /** Per tenant: the fraction of its users the entry admitted in the last window. */
  private admitted = new Float64Array(0);

  constructor(private readonly params: DagorParams = DAGOR_DEFAULTS) {}

  reset(): void {
    this.cut.clear();
    this.peak.clear();
    this.potential.clear();
    this.outstanding.clear();
    this.admitted = new Float64Array(0);
  }

  decide(signals: Signals): Decision {
    const p = this.params;
    const w = windowSeconds(signals);
    const tenantsIn = signals.tenants;
    const n = tenantsIn.length;
    if (this.admitted.length !== n) this.admitted = new Float64Array(n).fill(1);
    const levels = businessLevels(signals);
    // Fraction of each tenant's users admitted by the most restrictive cut on its path.
    const admit = new Float64Array(n).fill(1);
    const levelLoad = new Float64Array(levels.count);
    for (const svc of signals.services) {
      const potential = perTenant(this.potential, svc.name, n);
      const held = perTenant(this.outstanding, svc.name, n);
      // The histogram of the service's load per level: hops per second each tenant
      // brought there (served, turned away, or still held), scaled up by the fraction
      // of its users the entry admitted.
      let served = 0;
      let total = 0;
      levelLoad.fill(0);
      for (let i = 0; i < n; i++) {
        const st = svc.tenants[i]!;
        const arrived = Math.max(0, st.hops + st.rejected + st.outstanding - held[i]!);
        held[i] = st.outstanding;
        served += st.hops;
        const f = this.admitted[i]!;
        if (f >= MIN_FRACTION) potential[i] = arrived / w / f;
        total += potential[i]!;
        levelLoad[levels.of[i]!]! += potential[i]!;
      }
      served /= w;
      const peak = Math.max(served, this.peak.get(svc.name) ?? 0);
      this.peak.set(svc.name, peak);
      let cut = this.cut.get(svc.name) ?? Infinity;
      // The cut admits at most what the service served: move that by −α; otherwise
      // grow it by β of what the service can serve.
      if (svc.meanWait > p.queueingThresholdSeconds)
        cut = Math.min(cut, served) * (1 - p.decreaseFraction);
      else if (cut !== Infinity) cut += p.increaseFraction * Math.max(cut, peak);
      if (cut >= total) cut = Infinity;
      this.cut.set(svc.name, cut);
      if (cut === Infinity) continue;
      // The cut as a level: whole business levels in priority order, then a fraction.
      let left = cut;
      for (let k = 0; k < levels.count; k++) {
        const d = levelLoad[k]!;
        const fraction = d > 0 ? Math.max(MIN_FRACTION / 2, Math.min(1, left / d)) : 1;
        left = Math.max(0, left - d);
        if (fraction >= 1) continue;
        for (let i = 0; i < n; i++)
          if (levels.of[i] === k && potential[i]! > 0 && fraction < admit[i]!) admit[i] = fraction;
      }
    }
    const tenants: Record<string, TenantDecision> = {};
    for (let i = 0; i < n; i++) {
      this.admitted[i] = admit[i]!;
      if (admit[i]! >= 1) continue;
      const t = tenantsIn[i]!;
      tenants[t.name] = { rateLimit: bucket((admit[i]! * t.offered) / w, p.burstSeconds) };
    }
    return decisionAfter(signals, { tenants });
  }
}

/** Below this admitted fraction a tenant's potential load is not re-estimated. */
const MIN_FRACTION = 0.01;

function perTenant(map: Map<string, Float64Array>, key: string, n: number): Float64Array {
  let a = map.get(key);
  if (a === undefined || a.length !== n) {
    a = new Float64Array(n);
    map.set(key, a);
  }
  return a;
}

/** Business levels: tenants grouped by weight, largest weight = level 0. */
function businessLevels(signals: Signals): { count: number; of: Int32Array } {
  const weights = [...new Set(signals.tenants.map((t) => t.weight))].sort((a, b) => b - a);
  const of = new Int32Array(signals.tenants.length);
  signals.tenants.forEach((t, i) => (of[i] = weights.indexOf(t.weight)));
  return { count: weights.length, of };
}
