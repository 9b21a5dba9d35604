/**
 * Breakwater (Cho et al., "Breakwater: Overload Control for µs-scale RPCs", OSDI 2020):
 * server-driven credits. Each service keeps a credit pool — how many requests clients
 * may have outstanding at it. Every interval it compares its queueing delay d with a
 * target d_t: if d ≥ d_t the pool shrinks multiplicatively, by max(1 − β·(d − d_t)/d_t,
 * 0.5); otherwise it grows additively by α per client. Clients send only with credits;
 * requests that find d ≥ 2·d_t are dropped early (active queue management).
 *
 * Simplifications: the credit pool is the service's concurrency limit (a request
 * without a credit is rejected at once, which is what a client without credit does);
 * AQM is the service's queue-delay threshold at 2·d_t; one update per control window
 * instead of per round trip, so the paper's µs constants are rescaled for millisecond
 * services (d_t, α and β below are tunable defaults, unverified at this scale).
 */
import {
  decisionAfter,
  type Decision,
  type Policy,
  type ServiceDecision,
  type Signals,
} from './policy.js';

export const BREAKWATER_DEFAULTS = {
  /** Target queueing delay d_t, seconds (paper: 80–100 µs for µs RPCs; rescaled). */
  targetDelaySeconds: 0.005,
  /** Additive increase per active client (tenant) per window, in credits (rescaled). */
  alpha: 1,
  /** Multiplicative decrease gain (paper code: 0.008–0.02 per RTT; rescaled). */
  beta: 0.1,
  /** Fewest credits a service keeps. */
  minCredits: 1,
};
export type BreakwaterParams = typeof BREAKWATER_DEFAULTS;

export class Breakwater implements Policy {
  readonly name = 'breakwater';
  private credits = new Map<string, number>();

  constructor(private readonly params: BreakwaterParams = BREAKWATER_DEFAULTS) {}

  reset(): void {
    this.credits.clear();
  }

  decide(signals: Signals): Decision {
    const p = this.params;
    const dt = p.targetDelaySeconds;
    const services: Record<string, ServiceDecision> = {};
    for (const s of signals.services) {
      let c = this.credits.get(s.name) ?? s.workers * s.replicas;
      const d = s.meanWait;
      if (d >= dt) c *= Math.max(1 - (p.beta * (d - dt)) / dt, 0.5);
      else
        c += p.alpha * Math.max(1, s.tenants.filter((t) => t.hops > 0 || t.outstanding > 0).length);
      c = Math.max(p.minCredits, c);
      this.credits.set(s.name, c);
      services[s.name] = {
        concurrencyLimit: Math.max(1, Math.floor(c)),
        queueDelayThreshold: 2 * dt,
      };
    }
    return decisionAfter(signals, { services });
  }
}
