/**
 * `governor/training`: training runs. Today a run trains PPO on any registered env and
 * writes metrics, checkpoints and a policy bundle (the `governor train` command); run
 * configs, domain randomisation over scenario families, resumption and export build on
 * this entry point.
 */
export { runTraining, resolveConfig } from '../agents/io/train-run.js';
export type { TrainRunOptions, TrainRunSummary } from '../agents/io/train-run.js';
