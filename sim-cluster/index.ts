/**
 * `governor/sim-cluster`: the discrete-event cluster simulator, its scenario format and
 * its primitives (seeded streams, distributions, histograms).
 */
export * from './errors.js';
export { RngStream, RngStreams } from './rng.js';
export type { Distribution } from './distribution.js';
export { createDistribution, validateDistributionSpec } from './distributions.js';
export { LatencyHistogram, type LatencySummary as HistogramSummary } from './histogram.js';
export type * from './scenario/types.js';
export {
  loadScenarioFile,
  parseScenario,
  validateScenario,
  resolveScenario,
  bundledScenarioNames,
  bundledScenarioPath,
  isScenarioFamily,
  sampleScenarioFamily,
  scenarioToYaml,
  type LoadOptions,
  type ParseOptions,
} from './scenario/load.js';
export { compileModel, type ClusterModel, type CallNode, type TenantModel } from './model.js';
export { Simulation, type SimulationOptions } from './simulation.js';
export { simulate, type SimulateOptions } from './simulate.js';
export { summarize, type SimSummary, type TenantSummary, type ServiceSummary } from './summary.js';
export type { ArrivalProcess } from './arrivals/index.js';
export type { Scheduler, TenantControls } from './schedulers/index.js';
export * from './enforcement.js';
export type * from './signals.js';
