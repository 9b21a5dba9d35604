/**
 * Retro (Mace, Bodik, Fonseca and Musuvathi, "Retro: Targeted Resource Management in
 * Multi-tenant Distributed Systems", NSDI 2015). A logically centralised controller
 * reads per-tenant usage and slowdown of every resource each interval (attributed
 * through the call graph) and rewrites per-tenant token-bucket rates at the ingress.
 * Three of its policies:
 * - BFAIR: find the most slowed (bottleneck) resource and give tenants weighted
 *   max-min fair shares of it (`RetroBfair`);
 * - LATENCY: when a high-priority tenant misses its latency target, throttle
 *   low-priority tenants in proportion to their load on that tenant's most slowed
 *   resource; relax them gradually otherwise (`RetroLatency`);
 * - DRF: dominant resource fairness across every resource (`RetroDrf`).
 *
 * Simplifications: resources are services' CPUs (no disks, locks or thread pools);
 * slowdown = (mean wait + CPU per hop) ÷ CPU per hop; a tenant's demand on a resource
 * is CPU seconds there per admitted request in the window; one update per control
 * window. Gains and thresholds are tunable defaults (unverified).
 */
import { bucket, capacity, demandPerRequest, missedSlo, offeredRate, slowdown } from './observe.js';
import {
  decisionAfter,
  type Decision,
  type Policy,
  type Signals,
  type TenantDecision,
} from './policy.js';

export const RETRO_DEFAULTS = {
  /** A resource counts as slowed above this slowdown. */
  slowdownThreshold: 2,
  /** Fraction of a resource's CPU capacity shared out (BFAIR, DRF). */
  targetUtilization: 0.9,
  /** LATENCY: fraction by which low-priority load on the bottleneck is cut per miss. */
  throttleGain: 0.5,
  /** LATENCY, BFAIR: fraction by which throttled rates grow in a good window. */
  relaxFraction: 0.1,
  /**
   * LATENCY: a high-priority tenant misses when the fraction of its completions within
   * the SLO falls below the SLO percentile by more than this (absolute), or a client
   * timed out; smaller shortfalls are sampling noise at a high percentile.
   */
  missTolerance: 0.01,
  /** LATENCY: tenants treated as high priority; default: those above the lowest weight. */
  highPriority: [] as readonly string[],
  burstSeconds: 0.05,
};
export type RetroParams = typeof RETRO_DEFAULTS;

/** Weighted max-min fair shares of `cap` among demands (water-filling). */
export function maxMinShares(
  demands: readonly number[],
  weights: readonly number[],
  cap: number,
): number[] {
  const share = demands.map(() => 0);
  let left = cap;
  let open = demands.map((d, i) => (d > 0 ? i : -1)).filter((i) => i >= 0);
  while (open.length > 0 && left > 1e-12) {
    const w = open.reduce((a, i) => a + weights[i]!, 0);
    const level = left / w;
    const done = open.filter((i) => demands[i]! - share[i]! <= level * weights[i]!);
    if (done.length === 0) {
      for (const i of open) share[i]! += level * weights[i]!;
      break;
    }
    for (const i of done) {
      left -= demands[i]! - share[i]!;
      share[i] = demands[i]!;
    }
    open = open.filter((i) => !done.includes(i));
  }
  return share;
}

abstract class Retro implements Policy {
  abstract readonly name: string;
  /** Current rate limits by tenant (absent: unlimited). */
  protected rates = new Map<string, number>();

  constructor(protected readonly params: RetroParams = RETRO_DEFAULTS) {}

  reset(): void {
    this.rates.clear();
  }

  abstract update(signals: Signals): void;

  decide(signals: Signals): Decision {
    this.update(signals);
    const tenants: Record<string, TenantDecision> = {};
    for (const [name, rate] of this.rates)
      tenants[name] = { rateLimit: bucket(rate, this.params.burstSeconds) };
    return decisionAfter(signals, { tenants });
  }

  /** Relaxes every limit by `relaxFraction`; limits past twice the offered rate are lifted. */
  protected relax(signals: Signals): void {
    for (const t of signals.tenants) {
      const r = this.rates.get(t.name);
      if (r === undefined) continue;
      const next = r * (1 + this.params.relaxFraction);
      if (next > 2 * offeredRate(signals, t) + 1) this.rates.delete(t.name);
      else this.rates.set(t.name, next);
    }
  }
}

export class RetroLatency extends Retro {
  readonly name = 'retro-latency';

  update(signals: Signals): void {
    const minWeight = Math.min(...signals.tenants.map((t) => t.weight));
    const listed = this.params.highPriority;
    const isHigh = (name: string, weight: number) =>
      listed.length > 0 ? listed.includes(name) : weight > minWeight;
    const missing = signals.tenants.filter(
      (t) => isHigh(t.name, t.weight) && missedSlo(t, this.params.missTolerance),
    );
    if (missing.length === 0) return this.relax(signals);
    for (const h of missing) {
      const hi = signals.tenants.indexOf(h);
      // The resource where h is most slowed: the slowest service h used in the window.
      let bottleneck = -1;
      for (let s = 0; s < signals.services.length; s++) {
        const svc = signals.services[s]!;
        if (svc.tenants[hi]!.hops + svc.tenants[hi]!.outstanding === 0) continue;
        if (bottleneck < 0 || slowdown(svc) > slowdown(signals.services[bottleneck]!))
          bottleneck = s;
      }
      if (bottleneck < 0) continue;
      const svc = signals.services[bottleneck]!;
      const low = signals.tenants
        .map((t, i) => ({ t, i }))
        .filter(({ t }) => !isHigh(t.name, t.weight));
      const lowLoad = low.reduce((a, { i }) => a + svc.tenants[i]!.cpuSeconds, 0);
      if (lowLoad <= 0) continue;
      for (const { t, i } of low) {
        const share = svc.tenants[i]!.cpuSeconds / lowLoad;
        const current =
          this.rates.get(t.name) ??
          Math.max(1, t.admitted / (signals.endSeconds - signals.startSeconds));
        this.rates.set(t.name, Math.max(0.1, current * (1 - this.params.throttleGain * share)));
      }
    }
  }
}

export class RetroBfair extends Retro {
  readonly name = 'retro-bfair';

  update(signals: Signals): void {
    let bottleneck = -1;
    signals.services.forEach((s, i) => {
      if (
        slowdown(s) > this.params.slowdownThreshold &&
        (bottleneck < 0 || slowdown(s) > slowdown(signals.services[bottleneck]!))
      )
        bottleneck = i;
    });
    if (bottleneck < 0) return this.relax(signals);
    const svc = signals.services[bottleneck]!;
    const cost = signals.tenants.map((_, i) => demandPerRequest(signals, svc, i));
    const demands = signals.tenants.map((t, i) => offeredRate(signals, t) * cost[i]!);
    const shares = maxMinShares(
      demands,
      signals.tenants.map((t) => t.weight),
      capacity(svc) * this.params.targetUtilization,
    );
    signals.tenants.forEach((t, i) => {
      if (cost[i]! > 0) this.rates.set(t.name, Math.max(0.1, shares[i]! / cost[i]!));
    });
  }
}

export class RetroDrf extends Retro {
  readonly name = 'retro-drf';

  update(signals: Signals): void {
    const n = signals.tenants.length;
    const m = signals.services.length;
    const offered = signals.tenants.map((t) => offeredRate(signals, t));
    const cap = signals.services.map((s) => capacity(s) * this.params.targetUtilization);
    // Demand vectors d[i·m + r]: CPU seconds per request of tenant i at service r.
    const d = new Float64Array(n * m);
    const dominant = new Float64Array(n);
    signals.services.forEach((s, r) => {
      for (let i = 0; i < n; i++) {
        const x = demandPerRequest(signals, s, i);
        d[i * m + r] = x;
        dominant[i] = Math.max(dominant[i]!, x / cap[r]!);
      }
    });
    const rates = new Float64Array(n);
    const fillAt = (level: number): boolean => {
      for (let i = 0; i < n; i++) {
        const o = offered[i]!;
        rates[i] =
          dominant[i]! > 0 ? Math.min(o, (level * signals.tenants[i]!.weight) / dominant[i]!) : o;
      }
      for (let r = 0; r < m; r++) {
        let used = 0;
        for (let i = 0; i < n; i++) used += rates[i]! * d[i * m + r]!;
        if (used > cap[r]! * (1 + 1e-9)) return false;
      }
      return true;
    };
    // Progressive filling: the largest common (weighted) dominant share that fits.
    let lo = 0;
    let hi = 1;
    while (fillAt(hi) && hi < 1e6) hi *= 2;
    for (let k = 0; k < 30; k++) {
      const mid = (lo + hi) / 2;
      if (fillAt(mid)) lo = mid;
      else hi = mid;
    }
    fillAt(lo);
    this.rates.clear();
    for (let i = 0; i < n; i++) {
      if (rates[i]! < offered[i]! * 0.999)
        this.rates.set(signals.tenants[i]!.name, Math.max(0.1, rates[i]!));
    }
  }
}
