/**
 * The feature ranges a training run has seen, merged over every episode of every sub-env
 * (worker threads included: episodes report their ranges in their last `info`):
 * the observation codec's features (normalised, [-1, 1]) and the raw Signals features
 * the controller's guard checks. The bundle records both in `training.featureRanges`,
 * the map `name → {min, max}` that controller/policy-source.ts reads.
 */
import { FeatureRanges } from '../env/cluster/feature-ranges.js';
import type { FeatureRangesJson } from '../env/cluster/feature-ranges.js';
import type { Info } from '../env/env.js';
import type { VectorEnv, VectorResetResult, VectorStepResult } from '../env/index.js';
import type { ResetArgs } from '../env/env.js';
import { GUARD_FEATURE_NAMES } from './randomized-cluster-env.js';
import type { EpisodeFeatureRanges, RandomizedClusterInfo } from './randomized-cluster-env.js';

/** JSON form, kept in checkpoints. */
export interface TrainingRangesJson {
  readonly codec: FeatureRangesJson;
  readonly guard: Readonly<Record<string, readonly [number, number]>>;
  readonly episodes: number;
}

export class TrainingRanges {
  readonly codec: FeatureRanges;
  readonly guardMin = new Float64Array(GUARD_FEATURE_NAMES.length).fill(Infinity);
  readonly guardMax = new Float64Array(GUARD_FEATURE_NAMES.length).fill(-Infinity);
  episodes = 0;

  /** `codecFeatureNames`: the codec's global features (the first `globalDim`), then its slot features. */
  constructor(
    codecFeatureNames: readonly string[],
    private readonly globalDim: number,
  ) {
    this.codec = new FeatureRanges(codecFeatureNames);
  }

  /** Folds in one episode's (or a saved run's) ranges. */
  merge(r: EpisodeFeatureRanges | TrainingRangesJson): void {
    this.codec.merge(r.codec);
    GUARD_FEATURE_NAMES.forEach((name, i) => {
      const [lo, hi] = r.guard[name] ?? [Infinity, -Infinity];
      if (lo !== null && lo < this.guardMin[i]!) this.guardMin[i] = lo;
      if (hi !== null && hi > this.guardMax[i]!) this.guardMax[i] = hi;
    });
    this.episodes += 'episodes' in r ? r.episodes : 1;
  }

  toJSON(): TrainingRangesJson {
    return {
      codec: this.codec.toJSON(),
      guard: Object.fromEntries(
        GUARD_FEATURE_NAMES.map((n, i) => [n, [this.guardMin[i]!, this.guardMax[i]!]] as const),
      ),
      episodes: this.episodes,
    };
  }

  /**
   * Every feature seen, as `name → {min, max}`: the guard's raw features under their
   * names, the codec's under `observation.global.<name>` and `observation.tenant.<name>`.
   * Features never seen are left out.
   */
  toFeatureRanges(): Record<string, { min: number; max: number }> {
    const out: Record<string, { min: number; max: number }> = {};
    GUARD_FEATURE_NAMES.forEach((name, i) => {
      if (this.guardMin[i]! <= this.guardMax[i]!)
        out[name] = { min: this.guardMin[i]!, max: this.guardMax[i]! };
    });
    this.codec.names.forEach((name, i) => {
      const part = i < this.globalDim ? 'global' : 'tenant';
      if (this.codec.count[i]! > 0)
        out[`observation.${part}.${name}`] = { min: this.codec.min[i]!, max: this.codec.max[i]! };
    });
    return out;
  }
}

/**
 * A vector env that forwards everything and folds the ranges of every finished episode
 * (same-step autoreset: `info.finalInfo.featureRanges`) into `ranges`; it also tracks
 * the latest curriculum stage seen (from the reset infos of the steps that ended episodes).
 */
export class RangeCollectingVectorEnv implements VectorEnv {
  stage = 0;

  constructor(
    private readonly inner: VectorEnv,
    readonly ranges: TrainingRanges,
  ) {}

  get numEnvs() {
    return this.inner.numEnvs;
  }
  get singleObservationSpace() {
    return this.inner.singleObservationSpace;
  }
  get singleActionSpace() {
    return this.inner.singleActionSpace;
  }
  get obsDim() {
    return this.inner.obsDim;
  }
  get actionDim() {
    return this.inner.actionDim;
  }
  get autoresetMode() {
    return this.inner.autoresetMode;
  }

  reset(args?: ResetArgs): Promise<VectorResetResult> {
    return this.inner.reset(args);
  }

  async step(actions: ArrayLike<number>): Promise<VectorStepResult> {
    const result = await this.inner.step(actions);
    // Infos matter only where an episode ended (its ranges; the next one's stage), and an
    // AsyncVectorEnv fetches them from its workers only when they are read.
    if (result.truncated.includes(1) || result.terminated.includes(1)) {
      for (const info of result.infos) this.collect(info);
    }
    return result;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private collect(info: Info): void {
    const final = (info as { finalInfo?: RandomizedClusterInfo }).finalInfo;
    if (final?.featureRanges !== undefined) this.ranges.merge(final.featureRanges);
    const stage = (info as Partial<RandomizedClusterInfo>).stage;
    if (typeof stage === 'number' && stage > this.stage) this.stage = stage;
  }
}
