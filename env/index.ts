/**
 * `governor/env`: Gymnasium-style spaces, envs, registry, wrappers, vector envs, the env
 * checker, the classic control envs and ClusterEnv with its codecs. Importing it
 * registers `CartPole-v1`, `Pendulum-v1` and `governor/Cluster-v0`.
 */
import './classic/register-classic.js';
import './cluster/register-cluster.js';

export type {
  Env,
  EnvMetadata,
  EpisodeStatistics,
  Info,
  ResetArgs,
  ResetResult,
  StepResult,
} from './env.js';
export { assertAction } from './check-action.js';
export { EnvCheckError } from './env-check-error.js';
export { checkEnv, invalidAction } from './check-env.js';
export type { CheckEnvOptions } from './check-env.js';
export { InvalidActionError, ResetNeededError } from '../sim-cluster/errors.js';

export type { Space, SpaceJson } from './spaces/space.js';
export { shapeSize } from './spaces/space.js';
export { Box } from './spaces/box.js';
export type { BoxOptions, BoxValue } from './spaces/box.js';
export { Discrete, MultiBinary, MultiDiscrete } from './spaces/discrete.js';
export { DictSpace, TupleSpace } from './spaces/composite.js';
export type { DictValue } from './spaces/composite.js';
export {
  flatdim,
  flatten,
  flattenInto,
  flattenSpace,
  spaceFromJson,
  unflatten,
} from './spaces/flatten.js';

export {
  isRegistered,
  loadEntryPoint,
  make,
  register,
  registeredIds,
  spec,
  unregister,
} from './registry.js';
export type { EntryPoint, EnvFactory, EnvSpec, EnvSpecInput, MakeOptions } from './registry.js';

export { Wrapper } from './wrapper.js';
export { TimeLimit } from './wrappers/time-limit.js';
export { OrderEnforcing } from './wrappers/order-enforcing.js';
export { RecordEpisodeStatistics } from './wrappers/record-episode-statistics.js';
export { RunningMeanStd } from './wrappers/running-mean-std.js';
export type { RunningMeanStdJson } from './wrappers/running-mean-std.js';
export { NormalizeObservation } from './wrappers/normalize-observation.js';
export type { NormalizeObservationOptions } from './wrappers/normalize-observation.js';
export { NormalizeReward } from './wrappers/normalize-reward.js';
export type { NormalizeRewardOptions } from './wrappers/normalize-reward.js';
export { ClipAction } from './wrappers/clip-action.js';
export { RescaleAction } from './wrappers/rescale-action.js';

export type {
  AutoresetMode,
  ObservationBatch,
  VectorEnv,
  VectorResetResult,
  VectorStepResult,
} from './vector/vector-env.js';
export { actionDim } from './vector/env-batch.js';
export { SyncVectorEnv } from './vector/sync-vector-env.js';
export type { VectorEnvOptions } from './vector/sync-vector-env.js';
export { AsyncVectorEnv } from './vector/async-vector-env.js';
export type { AsyncVectorEnvOptions } from './vector/async-vector-env.js';
export { makeVec } from './vector/make-vec.js';
export type { MakeVecOptions } from './vector/make-vec.js';

export { CART_POLE, CartPoleEnv, cartPoleDynamics } from './classic/cart-pole.js';
export type { CartPoleOptions } from './classic/cart-pole.js';
export { PENDULUM, PendulumEnv, angleNormalize, pendulumDynamics } from './classic/pendulum.js';
export type { PendulumOptions } from './classic/pendulum.js';

export {
  CLUSTER_ENV_ID,
  ClusterEnv,
  DEFAULT_CLUSTER_SCENARIO,
  DEFAULT_EPISODE_WINDOWS,
} from './cluster/cluster-env.js';
export type { ClusterEnvOptions, ClusterInfo } from './cluster/cluster-env.js';
export { ClusterScenarios } from './cluster/cluster-scenarios.js';
export {
  ActionCodec,
  CLUSTER_KNOBS,
  DEFAULT_KNOBS,
  admitProbabilityOf,
  residualShieldProblem,
} from './cluster/action-codec.js';
export type {
  ActionCodecJson,
  ActionCodecOptions,
  ClusterKnob,
  ResidualShield,
} from './cluster/action-codec.js';
export { ObservationCodec } from './cluster/observation-codec.js';
export type {
  ObservationCodecJson,
  ObservationCodecOptions,
  ObservationLayout,
} from './cluster/observation-codec.js';
export { BASE_FEATURES, GLOBAL_FEATURES, TENANT_FEATURES } from './cluster/observation-features.js';
export { FeatureRanges } from './cluster/feature-ranges.js';
export type { FeatureRangesJson } from './cluster/feature-ranges.js';
export { TenantSlots } from './cluster/tenant-slots.js';
export {
  rejectedWithinEntitlement,
  tenantScore,
  windowScore,
  windowScoreValue,
} from './cluster/slo-score.js';
export type { WindowScore } from './cluster/slo-score.js';
