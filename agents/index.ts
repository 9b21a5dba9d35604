/** Agents: PPO, its networks and kernels, backend selection, checkpoints and bundles. */
export * from './actor-critic.js';
export * from './adam.js';
export * from './backend.js';
export * from './bundle.js';
export * from './checkpoint.js';
export * from './dense.js';
export * from './distributions.js';
export * from './gae.js';
export * from './grad-clip.js';
export * from './lr-schedule.js';
export * from './network-spec.js';
export * from './orthogonal.js';
export * from './ppo-losses.js';
export * from './tenant-network.js';
export * from './versions.js';
