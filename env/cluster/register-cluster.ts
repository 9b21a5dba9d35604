/**
 * Registers `governor/Cluster-v0` (200 windows per episode). Importing this module —
 * which `governor/env` does — is enough to `make` it, in the main thread and in vector
 * env workers (the spec names this module).
 */
import { isRegistered, register } from '../registry.js';
import { CLUSTER_ENV_ID, ClusterEnv, DEFAULT_EPISODE_WINDOWS } from './cluster-env.js';
import type { ClusterEnvOptions } from './cluster-env.js';

if (!isRegistered(CLUSTER_ENV_ID)) {
  register(CLUSTER_ENV_ID, {
    factory: (options) => new ClusterEnv(options as ClusterEnvOptions),
    module: import.meta.url,
    maxEpisodeSteps: DEFAULT_EPISODE_WINDOWS,
  });
}
