/**
 * `governor/policies`: the `Policy` contract, the heuristic controllers of BASELINES.md,
 * their registry, and the control loop that runs a scenario under a policy.
 */
export * from './policy.js';
export { mergeParams, type Params, type ParamValue } from './params.js';
export { createPolicy, policyEntries, policyNames, type PolicyEntry } from './registry.js';
export { simulateWithPolicy, policyRng, type ControlLoopOptions } from './control-loop.js';
export { NoControl } from './no-control.js';
export { StaticQuotas, STATIC_QUOTAS_DEFAULTS, type StaticQuotasParams } from './static-quotas.js';
