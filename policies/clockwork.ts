/**
 * Clockwork-style proactive admission (Gujarati et al., "Serving DNNs like Clockwork",
 * OSDI 2020): "consolidating choice" — predict each request's completion time at
 * admission from profiled service times and the current queues, and reject at once any
 * request that cannot meet its deadline instead of letting it time out late. The
 * prediction and the rejection run in the simulator at every arrival
 * (sim-cluster/predict.ts, `deadlineAdmission`); the policy switches it on per tenant.
 *
 * Simplifications: Clockwork controls whole-model executions on GPUs with exact
 * per-batch profiles; here the predictor walks the request's call tree with profiled
 * mean work and the queue lengths at arrival (see predict.ts), and `slack` holds back a
 * fraction of each SLO for prediction error.
 */
import {
  decisionAfter,
  type Decision,
  type Policy,
  type Signals,
  type TenantDecision,
} from './policy.js';

export const CLOCKWORK_DEFAULTS = {
  /** Fraction of the SLO latency held back for prediction error, in [0, 1) (tunable). */
  slack: 0.2,
};
export type ClockworkParams = typeof CLOCKWORK_DEFAULTS;

export class Clockwork implements Policy {
  readonly name = 'clockwork';

  constructor(private readonly params: ClockworkParams = CLOCKWORK_DEFAULTS) {}

  decide(signals: Signals): Decision {
    const tenants: Record<string, TenantDecision> = {};
    const slack = Math.min(this.params.slack, 0.99);
    for (const t of signals.tenants) tenants[t.name] = { deadlineAdmission: { slack } };
    return decisionAfter(signals, { tenants });
  }
}
