/**
 * The window's SLO score of DESIGN.md, computed from `Signals` alone so that the env's
 * reward, the eval suite and the controller daemon all score a window the same way.
 *
 * Tenant score: goodput ÷ entitlement, capped at 1 (entitlement = min(offered,
 * guaranteedRate × window), or everything offered). Window score: the tenants' scores
 * averaged with their weights. A tenant that offered nothing in the window has no
 * entitlement and is left out of the average; a window where nobody offered anything
 * scores 1 (nothing was owed, nothing was missed).
 */
import type { Signals } from '../../sim-cluster/signals.js';

/** A window's score and each tenant's, both in [0, 1]. */
export interface WindowScore {
  /** Weighted mean of the tenants' scores (1 when no tenant had an entitlement). */
  readonly score: number;
  /** Per tenant name: min(1, goodput ÷ entitlement), or null when it offered nothing. */
  readonly tenantScores: Readonly<Record<string, number | null>>;
}

/** A tenant's score in a window: min(1, goodput ÷ entitlement), or null without entitlement. */
export function tenantScore(goodput: number, entitlement: number): number | null {
  return entitlement > 0 ? Math.min(1, goodput / entitlement) : null;
}

/** The weighted window score of `signals` (without per-tenant detail: no allocation). */
export function windowScoreValue(signals: Signals): number {
  let sum = 0;
  let weights = 0;
  for (const t of signals.tenants) {
    const s = tenantScore(t.goodput, t.entitlement);
    if (s === null) continue;
    sum += t.weight * s;
    weights += t.weight;
  }
  return weights > 0 ? sum / weights : 1;
}

/** The weighted window score of `signals` and every tenant's score. */
export function windowScore(signals: Signals): WindowScore {
  const tenantScores: Record<string, number | null> = {};
  for (const t of signals.tenants) tenantScores[t.name] = tenantScore(t.goodput, t.entitlement);
  return { score: windowScoreValue(signals), tenantScores };
}

/**
 * The share of the window's entitlement that was turned away, weighted like the score, in
 * [0, 1]: per tenant, rejections beyond what it offered over its entitlement are free;
 * the rest, `max(0, rejected − (offered − entitlement)) ÷ entitlement`, counts. The env's
 * optional reward shaping subtracts a multiple of it.
 */
export function rejectedWithinEntitlement(signals: Signals): number {
  let sum = 0;
  let weights = 0;
  for (const t of signals.tenants) {
    if (!(t.entitlement > 0)) continue;
    const within = Math.max(0, t.rejected - (t.offered - t.entitlement));
    sum += t.weight * Math.min(1, within / t.entitlement);
    weights += t.weight;
  }
  return weights > 0 ? sum / weights : 0;
}
