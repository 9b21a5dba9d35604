/**
 * Aequitas (Zhang et al., "Aequitas: Admission Control for Performance-Critical RPCs in
 * Datacenters", SIGCOMM 2022): per priority class an admit probability p; on each
 * completion p += α if the RPC met its class's SLO, else p −= β (scaled by size), with
 * floor p_min. Non-admitted RPCs are downgraded to the lowest class.
 *
 * Simplifications: each tenant is its own class with its own SLO; the window's
 * completions are applied at once (Δp = α·met − β·missed, capped at ±maxStep per
 * window), where timeouts count as misses and every RPC has size 1; β = α·P/(100 − P)
 * for SLO percentile P, so p settles where the miss ratio is 1 − P/100; the simulator
 * has no per-request class downgrade, so non-admitted requests are rejected at the
 * ingress (a token bucket at p × the offered rate). α and maxStep are tunable defaults.
 */
import { bucket, offeredRate } from './observe.js';
import {
  decisionAfter,
  type Decision,
  type Policy,
  type Signals,
  type TenantDecision,
} from './policy.js';

export const AEQUITAS_DEFAULTS = {
  /** Increment of p per RPC that met its SLO. */
  alpha: 0.0005,
  /** Floor of p (paper: a small positive value, so a class is never starved). */
  pMin: 0.01,
  /** Largest change of p in one window. */
  maxStep: 0.1,
  burstSeconds: 0.05,
};
export type AequitasParams = typeof AEQUITAS_DEFAULTS;

export class Aequitas implements Policy {
  readonly name = 'aequitas';
  private p = new Map<string, number>();

  constructor(private readonly params: AequitasParams = AEQUITAS_DEFAULTS) {}

  reset(): void {
    this.p.clear();
  }

  decide(signals: Signals): Decision {
    const { alpha, pMin, maxStep, burstSeconds } = this.params;
    const tenants: Record<string, TenantDecision> = {};
    for (const t of signals.tenants) {
      const beta = (alpha * t.slo.percentile) / Math.max(1e-9, 100 - t.slo.percentile);
      const met = t.goodput;
      const missed = t.completed - t.goodput + t.timedOut;
      const step = Math.max(-maxStep, Math.min(maxStep, alpha * met - beta * missed));
      const p = Math.max(pMin, Math.min(1, (this.p.get(t.name) ?? 1) + step));
      this.p.set(t.name, p);
      if (p < 1) tenants[t.name] = { rateLimit: bucket(p * offeredRate(signals, t), burstSeconds) };
    }
    return decisionAfter(signals, { tenants });
  }
}
