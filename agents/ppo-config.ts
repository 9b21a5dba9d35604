/**
 * PPO's hyperparameters in one documented object, with CleanRL's defaults
 * (vwxyzjn/cleanrl ppo.py for discrete actions, ppo_continuous_action.py for continuous
 * ones) and a tuned Pendulum configuration.
 */

export interface PpoConfig {
  /** Adam's learning rate (annealed linearly to lr / numIterations when `annealLr`). */
  readonly learningRate: number;
  /** Adam's epsilon: 1e-5 as in CleanRL and the original PPO2 (PyTorch's default is 1e-8). */
  readonly adamEpsilon: number;
  /** Parallel envs stepped together (batch inference: one forward pass per step for all). */
  readonly numEnvs: number;
  /** Steps per env per rollout; the batch is numEnvs × numSteps transitions. */
  readonly numSteps: number;
  readonly annealLr: boolean;
  /** Discount factor. */
  readonly gamma: number;
  /** GAE's lambda. */
  readonly gaeLambda: number;
  /** Minibatches per epoch: minibatch size = numEnvs × numSteps / numMinibatches. */
  readonly numMinibatches: number;
  /** Passes over the batch per iteration (K in the paper). */
  readonly updateEpochs: number;
  /** Normalise advantages per minibatch. */
  readonly normAdv: boolean;
  /** Surrogate clipping coefficient (epsilon in the paper). */
  readonly clipCoef: number;
  /** Clip the value loss around the old values with `clipCoef`. */
  readonly clipVloss: boolean;
  /** Entropy bonus coefficient (c2). */
  readonly entCoef: number;
  /** Value loss coefficient (c1). */
  readonly vfCoef: number;
  /** Global gradient-norm limit. */
  readonly maxGradNorm: number;
  /** Stop the epochs of an iteration early when approx KL exceeds this; null: never. */
  readonly targetKl: number | null;
  /** Hidden layer sizes of the actor and critic MLPs. */
  readonly hidden: readonly number[];
  /** Normalise observations with running statistics, then clip to ±clipObservation. */
  readonly normalizeObservation: boolean;
  readonly clipObservation: number;
  /** Scale rewards by the running std of the discounted return, then clip to ±clipReward. */
  readonly normalizeReward: boolean;
  readonly clipReward: number;
  /** Clip continuous actions to the action space's bounds before stepping (ClipAction). */
  readonly clipAction: boolean;
}

/** CleanRL ppo.py (discrete actions, e.g. CartPole-v1). */
export const CLEANRL_PPO: PpoConfig = {
  learningRate: 2.5e-4,
  adamEpsilon: 1e-5,
  numEnvs: 4,
  numSteps: 128,
  annealLr: true,
  gamma: 0.99,
  gaeLambda: 0.95,
  numMinibatches: 4,
  updateEpochs: 4,
  normAdv: true,
  clipCoef: 0.2,
  clipVloss: true,
  entCoef: 0.01,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  targetKl: null,
  hidden: [64, 64],
  normalizeObservation: false,
  clipObservation: 10,
  normalizeReward: false,
  clipReward: 10,
  clipAction: false,
};

/**
 * CleanRL ppo_continuous_action.py, including its wrappers: ClipAction,
 * NormalizeObservation + clip 10, NormalizeReward(gamma) + clip 10.
 */
export const CLEANRL_PPO_CONTINUOUS: PpoConfig = {
  ...CLEANRL_PPO,
  learningRate: 3e-4,
  numEnvs: 1,
  numSteps: 2048,
  numMinibatches: 32,
  updateEpochs: 10,
  entCoef: 0,
  normalizeObservation: true,
  normalizeReward: true,
  clipAction: true,
};

/**
 * A Pendulum-v1 configuration in the spirit of rl-baselines3-zoo's tuned PPO: a short
 * horizon (gamma 0.9) because swinging up and balancing pays off within a few dozen
 * steps, several envs, a higher learning rate.
 */
export const PPO_PENDULUM_TUNED: PpoConfig = {
  ...CLEANRL_PPO_CONTINUOUS,
  learningRate: 1e-3,
  numEnvs: 4,
  numSteps: 256,
  gamma: 0.9,
  numMinibatches: 16,
  updateEpochs: 10,
};

/** The named configurations the CLI and the validation scripts accept. */
export const PPO_PRESETS: Readonly<Record<string, PpoConfig>> = {
  'cleanrl-discrete': CLEANRL_PPO,
  'cleanrl-continuous': CLEANRL_PPO_CONTINUOUS,
  'pendulum-tuned': PPO_PENDULUM_TUNED,
};
