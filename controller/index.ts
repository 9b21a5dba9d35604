/**
 * `governor/controller`: the daemon, the wire protocol codec, and the service SDK
 * (docs/protocol.md is the protocol's normative text).
 */
export * from './protocol.js';
export { decodeMessage, encodeMessage, type DecodeResult } from './codec.js';
export { aggregateSignals, mergeLatency } from './aggregate.js';
export { splitDecision, combineParts, demandShare, type InstanceDemand } from './split.js';
export { ControllerDaemon, type DaemonOptions } from './daemon.js';
export { startHealthServer, type HealthServer } from './http.js';
export {
  generateKeyPair,
  writeKeyPair,
  readKeyDir,
  readClientKeys,
  type KeyPair,
  type ServerKeys,
} from './keys.js';
export { loadServedPolicy } from './policy-source.js';
export { simulateWithController, type BridgeOptions } from './bridge.js';
export { GovernorClient, type ClientOptions, type ReceivedDecision } from './sdk/client.js';
export { partInForce, acceptDecision, renewLease, NO_LEASE, type LeaseState } from './sdk/lease.js';
export { TokenBucket } from './sdk/token-bucket.js';
export { PriorityQueue } from './sdk/priority-queue.js';
export { Enforcer, type EnforcerOptions, type Permit, type Verdict } from './sdk/enforcer.js';
export { WindowRecorder, type TenantConfig } from './sdk/window-recorder.js';
export {
  governorMiddleware,
  tenantHeaders,
  tenantOf,
  TENANT_HEADER,
  type MiddlewareOptions,
} from './sdk/middleware.js';
export {
  GuardedPolicy,
  guardFeatures,
  inputViolation,
  decisionViolation,
  GUARD_FEATURES,
  type GuardOptions,
  type FeatureRange,
  type SafetyBounds,
} from './guarded-policy.js';
