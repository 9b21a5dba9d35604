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
export {
  RetroBfair,
  RetroLatency,
  RetroDrf,
  RETRO_DEFAULTS,
  maxMinShares,
  type RetroParams,
} from './retro.js';
export { Aimd, AIMD_DEFAULTS, type AimdParams } from './aimd.js';
export { Dagor, DAGOR_DEFAULTS, type DagorParams } from './dagor.js';
export { Breakwater, BREAKWATER_DEFAULTS, type BreakwaterParams } from './breakwater.js';
export { Gradient2, GRADIENT2_DEFAULTS, type Gradient2Params } from './gradient2.js';
export {
  EnvoyAdaptive,
  ENVOY_ADAPTIVE_DEFAULTS,
  type EnvoyAdaptiveParams,
} from './envoy-adaptive.js';
export { Aequitas, AEQUITAS_DEFAULTS, type AequitasParams } from './aequitas.js';
export { Clockwork, CLOCKWORK_DEFAULTS, type ClockworkParams } from './clockwork.js';
export {
  ComposedPolicy,
  createComposedPolicy,
  mergeDecisions,
  basePolicySpecs,
  type BasePolicySpec,
  type BaseSpec,
} from './compose.js';
