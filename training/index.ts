/**
 * `governor/training`: training runs of cluster policies from a config (`governor train
 * --config`), domain randomisation with a curriculum, the TensorBoard writer, export and
 * inspection of policy bundles; and PPO on any registered env (`runTraining`).
 */
export { runTraining, resolveConfig } from '../agents/io/train-run.js';
export type { TrainRunOptions, TrainRunSummary, TrainRunHooks } from '../agents/io/train-run.js';
export * from './config.js';
export * from './randomization.js';
export * from './randomized-cluster-env.js';
export * from './training-ranges.js';
export * from './evaluate.js';
export * from './tensorboard.js';
export * from './cluster-run.js';
export * from './inspect-bundle.js';
export { trainResidual, residualEnvOptions, RESIDUAL_TRAIN_DEFAULTS } from './residual-run.js';
export type { ResidualTrainConfig, ResidualTrainSummary } from './residual-run.js';
export { parsePretrainedConfig, DEFAULT_PRETRAINED_CONFIG } from './pretrained-config.js';
