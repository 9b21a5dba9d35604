/**
 * Aequitas (Zhang, Jha and Chowdhury, "Aequitas: Admission Control for
 * Performance-Critical RPCs in Datacenters", SIGCOMM 2022): each priority (QoS) class
 * has an RPC-latency SLO and an admit probability p. Completions drive p: additive
 * increase (+α, at most once per increment window) while the class's RPCs meet their
 * SLO, decrease on misses (−β per missed RPC, scaled by its size), floor p_min.
 * Non-admitted RPCs are downgraded to the lowest class. Classes map to weighted-fair
 * QoS queues, higher class, higher weight — Aequitas' premise is that WFQ weights plus
 * a bounded traffic mix per class bound each class's latency.
 *
 * Here: each tenant is a class, with its own SLO (latency at a percentile P) and its
 * weight as its WFQ weight (services with a weighted scheduler honour it). The
 * increment window is the control window: a window whose miss ratio (completions over
 * the SLO latency, plus client timeouts, over both) is within the SLO's allowance
 * 1 − P/100 raises p by α; a window over it lowers p by β·p per missed fraction —
 * the per-RPC decrease −β·size summed over the window's misses, relative to the
 * window's RPCs, so the decrease is multiplicative and scale-free (a window of 30%
 * misses cuts p by 30% with β = 1), capped at halving.
 *
 * Simplifications: the simulator has no per-request downgrade, so non-admitted requests
 * are rejected at the ingress (a token bucket at p × the offered rate); every RPC has
 * size 1. α, β and p_min are tunable defaults (the paper's are per RPC at µs scale). As
 * with AIMD, one cut per round trip: misses within ⌈p99 latency ÷ window⌉ windows of a
 * cut are the requests admitted before it, and are ignored. Without weighted-fair
 * schedulers (FIFO services) classes share one queue, so a tight-SLO class cuts itself
 * while a loose one keeps the queue long: Aequitas' premise does not hold there.
 * Measured (test/policies/controllers.test.ts, 2x overload): about 90% of completions
 * within the SLO for one class; the high class of two on a WFQ service about 98%.
 */
import { bucket, offeredRate } from './observe.js';
import {
  decisionAfter,
  windowSeconds,
  type Decision,
  type Policy,
  type Signals,
  type TenantDecision,
} from './policy.js';

export const AEQUITAS_DEFAULTS = {
  /** Additive increase of p per increment window (control window) without excess misses. */
  alpha: 0.02,
  /** Decrease of p per unit of missed fraction, relative to p (capped at halving). */
  beta: 1,
  /** Floor of p (paper: a small positive value, so a class is never starved). */
  pMin: 0.01,
  burstSeconds: 0.05,
};
export type AequitasParams = typeof AEQUITAS_DEFAULTS;

export class Aequitas implements Policy {
  readonly name = 'aequitas';
  private p = new Map<string, number>();
  /** Per tenant: windows left in which misses are the lagging effect of the last cut. */
  private hold = new Map<string, number>();

  constructor(private readonly params: AequitasParams = AEQUITAS_DEFAULTS) {}

  reset(): void {
    this.p.clear();
    this.hold.clear();
  }

  decide(signals: Signals): Decision {
    const { alpha, beta, pMin, burstSeconds } = this.params;
    const tenants: Record<string, TenantDecision> = {};
    for (const t of signals.tenants) {
      let p = this.p.get(t.name) ?? 1;
      let hold = (this.hold.get(t.name) ?? 0) - 1;
      const rpcs = t.completed + t.timedOut;
      if (rpcs > 0) {
        const missed = (t.completed - t.goodput + t.timedOut) / rpcs;
        if (missed <= 1 - t.slo.percentile / 100) p += alpha;
        else if (hold < 0) {
          p *= Math.max(0.5, 1 - beta * missed);
          // RPCs admitted before the cut complete within about the window's p99 latency.
          hold = Math.ceil(t.latency.p99 / windowSeconds(signals));
        }
      }
      this.hold.set(t.name, hold);
      p = Math.max(pMin, Math.min(1, p));
      this.p.set(t.name, p);
      if (p < 1) tenants[t.name] = { rateLimit: bucket(p * offeredRate(signals, t), burstSeconds) };
    }
    return decisionAfter(signals, { tenants });
  }
}
