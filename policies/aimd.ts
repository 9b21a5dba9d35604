/**
 * AIMD per tenant (BASELINES.md; Chiu and Jain, 1989, the textbook reactive loop): each
 * tenant's ingress rate limit grows additively while the tenant meets its SLO and
 * shrinks multiplicatively in a window where it misses it (the fraction of completions
 * within the SLO latency below the SLO percentile, beyond a tolerance, or client timeouts).
 *
 * Simplifications: one decision per control window (TCP reacts per round trip); the
 * additive step is a fraction of the cluster's observed completion rate per tenant, so
 * one default suits any scale; a limit is never set above twice the tenant's offered
 * rate, so it stays able to bite when load returns.
 */
import { bucket, offeredRate } from './observe.js';
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
  /** Additive step per window, as a fraction of (completed requests per second ÷ tenants). */
  increaseFraction: 0.05,
  /**
   * A window is a miss when the fraction of completions within the SLO falls below the
   * SLO percentile by more than this (absolute), or a client timed out.
   */
  missTolerance: 0.02,
  /** Multiplicative factor on a miss (TCP Reno: 0.5; CUBIC: 0.7). */
  decreaseFactor: 0.7,
  /** Lowest rate limit, requests per second. */
  minRatePerSecond: 1,
  /** Seconds of the rate a bucket holds. */
  burstSeconds: 0.05,
};
export type AimdParams = typeof AIMD_DEFAULTS;

export class Aimd implements Policy {
  readonly name = 'aimd';
  private rates = new Map<string, number>();

  constructor(private readonly params: AimdParams = AIMD_DEFAULTS) {}

  reset(): void {
    this.rates.clear();
  }

  private missed(t: TenantSignals): boolean {
    if (t.timedOut > 0) return true;
    if (t.completed === 0) return false;
    return t.goodput / t.completed < t.slo.percentile / 100 - this.params.missTolerance;
  }

  decide(signals: Signals): Decision {
    const p = this.params;
    const w = windowSeconds(signals);
    const completedRate = signals.tenants.reduce((sum, t) => sum + t.completed, 0) / w;
    const step = (p.increaseFraction * completedRate) / Math.max(1, signals.tenants.length);
    const tenants: Record<string, TenantDecision> = {};
    for (const t of signals.tenants) {
      const offered = offeredRate(signals, t);
      let rate = this.rates.get(t.name) ?? Math.max(offered, p.minRatePerSecond);
      rate = this.missed(t) ? rate * p.decreaseFactor : rate + step;
      rate = Math.max(
        p.minRatePerSecond,
        Math.min(rate, Math.max(2 * offered, p.minRatePerSecond)),
      );
      this.rates.set(t.name, rate);
      tenants[t.name] = { rateLimit: bucket(rate, p.burstSeconds) };
    }
    return decisionAfter(signals, { tenants });
  }
}
