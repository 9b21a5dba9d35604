/**
 * Static quotas (BASELINES.md): each tenant's ingress token bucket fixed at its
 * `guaranteedRate`, or at a configured rate — what many operators run.
 *
 * Simplifications: the rates never change; tenants with neither a guaranteed rate nor a
 * configured one are left unlimited. The bucket holds `burstSeconds` of the rate (at
 * least one request), so short bursts pass and sustained excess is rejected.
 */
import {
  decisionAfter,
  type Decision,
  type Policy,
  type Signals,
  type TenantDecision,
} from './policy.js';

export const STATIC_QUOTAS_DEFAULTS = {
  /** Requests per second per tenant name; overrides the tenant's `guaranteedRate`. */
  rates: {} as Readonly<Record<string, number>>,
  /** Seconds of the rate a bucket may hold (burst size = max(1, rate × burstSeconds)). */
  burstSeconds: 0.1,
};

export type StaticQuotasParams = typeof STATIC_QUOTAS_DEFAULTS;

export class StaticQuotas implements Policy {
  readonly name = 'static';

  constructor(private readonly params: StaticQuotasParams = STATIC_QUOTAS_DEFAULTS) {}

  decide(signals: Signals): Decision {
    const tenants: Record<string, TenantDecision> = {};
    for (const t of signals.tenants) {
      const rate = this.params.rates[t.name] ?? t.guaranteedRate;
      if (rate === null || rate === undefined) continue;
      tenants[t.name] = {
        rateLimit: { ratePerSecond: rate, burst: Math.max(1, rate * this.params.burstSeconds) },
      };
    }
    return decisionAfter(signals, { tenants });
  }
}
