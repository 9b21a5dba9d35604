/**
 * Clockwork-style proactive admission (Gujarati et al., "Serving DNNs like Clockwork",
 * OSDI 2020): "consolidating choice" — predict each request's completion time at
 * admission from profiled service times and the current queues, and reject at once any
 * request that cannot meet its deadline instead of letting it time out late. The
 * prediction and the rejection run in the simulator at every arrival
 * (sim-cluster/predict.ts, `deadlineAdmission`); the policy switches it on per tenant.
 *
 * Simplifications: Clockwork controls whole-model executions on GPUs with exact
 * per-batch profiles; here the predictor walks the request's call tree with the
 * profiled work distributions (mean and variance), the queue lengths at arrival and
 * processor sharing on the services' cores, and admits on the latency quantile at the
 * tenant's SLO percentile (see predict.ts); `slack` holds back a fraction of each SLO
 * for what the prediction leaves out. Measured (test/policies/controllers.test.ts, 2x
 * overload, 100 ms SLO at p99): admitted p99 80 ms with constant work and 87 ms with
 * lognormal work of CV 1.5, at full capacity. With FIFO services and tenants of
 * different SLOs, the queue is kept as long as the loosest SLO allows, so a tenant with
 * a much tighter SLO is mostly turned away.
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
