/**
 * AIMD per tenant (BASELINES.md; Chiu and Jain, "Analysis of the Increase and Decrease
 * Algorithms for Congestion Avoidance in Computer Networks", 1989): each tenant's
 * ingress rate limit grows additively while no congestion is signalled and shrinks
 * multiplicatively in a window where it is.
 *
 * The congestion signal, per window: a tenant missed when the fraction of its
 * completions within the SLO latency fell below the SLO percentile by more than
 * `missTolerance` (so a few slow requests — noise — do not count), a client timed out,
 * or a service turned its hops away (queue full, queue delay, concurrency, shed: the
 * servers' own overload signal, not the tenant's rate limit). As in Chiu and Jain's
 * model, the feedback bit comes from the congested resource and reaches every user of
 * it: a miss marks the missing tenant's most slowed service, and every tenant using a
 * marked service cuts — otherwise the tenant with the tightest SLO would cut alone while
 * the others grow into the room it leaves. The additive step is the same for every
 * tenant (what makes AIMD converge to fair shares): `increaseFraction` of the cluster's
 * completed requests per second, split over the tenants.
 *
 * As in TCP, one cut per round trip: a cut starts from the rate the tenant was actually
 * served (TCP's ssthresh from the flight size, not cwnd), and misses in the next
 * ⌈p99 latency ÷ window⌉ windows — requests admitted before the cut — are ignored.
 *
 * Simplifications: one decision per control window (TCP reacts per round trip); a limit
 * is never set above twice the tenant's offered rate, so it stays able to bite when
 * load returns. Measured (test/policies/controllers.test.ts): two greedy tenants at 2x
 * overload share equally and take about 88% of capacity, 78% as goodput (the top of each
 * tooth overshoots the SLO); an absent tenant's state is dropped, so a tenant that
 * arrives (churn) starts unlimited instead of climbing from the minimum rate.
 */
import { bucket, missedSlo, offeredRate } from './observe.js';
import {
  decisionAfter,
  windowSeconds,
  type Decision,
  type Policy,
  type Signals,
  type TenantSignals,
  type TenantDecision,
} from './policy.js';

export const AIMD_DEFAULTS = {
  /**
   * Additive step per window and tenant, as a fraction of the cluster's completed
   * requests per second ÷ tenants: together the tenants probe 5% more load per window.
   */
  increaseFraction: 0.05,
  /**
   * A window is a miss when the fraction of completions within the SLO falls below the
   * SLO percentile by more than this (absolute), or a client timed out.
   */
  missTolerance: 0.02,
  /** β: multiplicative factor on a miss (TCP Reno: 0.5; CUBIC: 0.7; here 0.8, tunable). */
  decreaseFactor: 0.8,
  /** Lowest rate limit, requests per second. */
  minRatePerSecond: 1,
  /** Seconds of the rate a bucket holds. */
  burstSeconds: 0.05,
};
export type AimdParams = typeof AIMD_DEFAULTS;

interface TenantState {
  rate: number;
  /** Windows since the last cut. */
  since: number;
  /** Windows after the last cut in which misses are its lagging effect. */
  hold: number;
}

export class Aimd implements Policy {
  readonly name = 'aimd';
  private state = new Map<string, TenantState>();

  constructor(private readonly params: AimdParams = AIMD_DEFAULTS) {}

  reset(): void {
    this.state.clear();
  }

  private missed(t: TenantSignals): boolean {
    const r = t.rejectedByReason;
    if (r['queue-full'] + r['queue-delay'] + r.concurrency + r.shed > 0) return true;
    return missedSlo(t, this.params.missTolerance);
  }

  /**
   * The congestion bit of each tenant: set when it, or any tenant whose most slowed
   * service it also uses, missed (Chiu and Jain's binary feedback from the resource).
   */
  private congested(signals: Signals): boolean[] {
    const services = signals.services;
    const hot = new Uint8Array(services.length);
    const bit = signals.tenants.map((t) => this.missed(t));
    signals.tenants.forEach((_, i) => {
      if (!bit[i]) return;
      let worst = -1;
      for (let s = 0; s < services.length; s++) {
        const st = services[s]!.tenants[i]!;
        if (st.hops + st.rejected === 0) continue;
        if (worst < 0 || services[s]!.meanWait > services[worst]!.meanWait) worst = s;
      }
      if (worst >= 0) hot[worst] = 1;
    });
    return bit.map((b, i) => {
      if (b) return true;
      for (let s = 0; s < services.length; s++) {
        const st = services[s]!.tenants[i]!;
        if (hot[s] === 1 && st.hops + st.rejected > 0) return true;
      }
      return false;
    });
  }

  decide(signals: Signals): Decision {
    const p = this.params;
    const w = windowSeconds(signals);
    const n = Math.max(1, signals.tenants.length);
    const completed = signals.tenants.reduce((sum, t) => sum + t.completed, 0) / w;
    // The same additive step for every tenant (Chiu and Jain: what makes AIMD fair).
    const step = (p.increaseFraction * completed) / n;
    const congested = this.congested(signals);
    const tenants: Record<string, TenantDecision> = {};
    signals.tenants.forEach((t, i) => {
      const offered = offeredRate(signals, t);
      if (offered === 0) {
        // Absent (churned out, or not arrived yet): it starts afresh when it comes back.
        this.state.delete(t.name);
        return;
      }
      let s = this.state.get(t.name);
      if (s === undefined) {
        s = { rate: Math.max(offered, p.minRatePerSecond), since: Infinity, hold: 0 };
        this.state.set(t.name, s);
      }
      s.since++;
      if (!congested[i]) s.rate += step;
      else if (s.since > s.hold) {
        // From the rate actually delivered (TCP: ssthresh from the flight size, not cwnd).
        s.rate = p.decreaseFactor * Math.min(s.rate, t.completed / w);
        s.since = 0;
        // Once per round trip: the requests now queued finish after about the window's latency.
        s.hold = t.latency.count > 0 ? Math.ceil(t.latency.p99 / w) : 1;
      }
      s.rate = Math.max(
        p.minRatePerSecond,
        Math.min(s.rate, Math.max(2 * offered, p.minRatePerSecond)),
      );
      tenants[t.name] = { rateLimit: bucket(s.rate, p.burstSeconds) };
    });
    return decisionAfter(signals, { tenants });
  }
}
