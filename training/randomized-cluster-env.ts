/**
 * `governor/ClusterDR-v0`: `ClusterEnv` under domain randomisation and a curriculum. Every
 * reset draws, from the env's seeded episode stream, a scenario of the stage in force
 * (and a member when it is a family), perturbs it (randomization.ts) and runs the episode
 * on a fresh `ClusterEnv` of that scenario; observation and action spaces are the same
 * for every episode (they depend only on `maxTenants` and the knobs).
 *
 * - Curriculum clock: the vector env steps its sub-envs together, so the run's global
 *   step is `startStep + stepsTaken × stepsPerStep` (`stepsPerStep` = the number of
 *   sub-envs). A stage switch applies from the next episode on.
 * - The last `info` of an episode carries `randomization` (the episode's draws) and
 *   `featureRanges`: the observation codec's ranges over the episode and the raw ranges
 *   of the controller guard's features (`GUARD_FEATURE_NAMES`), so the trainer can merge
 *   them across sub-envs and worker threads.
 */
import { ClusterEnv } from '../env/cluster/cluster-env.js';
import type { ClusterEnvOptions, ClusterInfo } from '../env/cluster/cluster-env.js';
import { parseSource } from '../env/cluster/cluster-scenarios.js';
import type { ParsedSource } from '../env/cluster/cluster-scenarios.js';
import type { FeatureRangesJson } from '../env/cluster/feature-ranges.js';
import type { Env, EnvMetadata, ResetArgs, ResetResult, StepResult } from '../env/env.js';
import { isRegistered, register } from '../env/registry.js';
import type { Box } from '../env/spaces/box.js';
import { InvalidArgumentError } from '../sim-cluster/errors.js';
import { RngStream } from '../sim-cluster/rng.js';
import type { Signals } from '../sim-cluster/signals.js';
import { perturbScenario, stageAt } from './randomization.js';
import type { CurriculumStage, EpisodeDraws } from './randomization.js';

export const RANDOMIZED_CLUSTER_ENV_ID = 'governor/ClusterDR-v0';

/** The raw Signals features the controller's guard checks (controller/guarded-policy.ts). */
export const GUARD_FEATURE_NAMES = [
  'tenant.offeredRate',
  'tenant.latencyP99',
  'service.utilization',
  'service.queueLength',
] as const;

export interface RandomizedClusterEnvOptions {
  /** ClusterEnv options shared by every episode (the scenario comes from the stages). */
  readonly cluster?: Omit<ClusterEnvOptions, 'scenario' | 'familySeed'>;
  /** Curriculum stages, `fromStep` increasing, the first from step 0. */
  readonly stages: readonly CurriculumStage[];
  /** Global steps per step of this env (the vector env's sub-env count; default 1). */
  readonly stepsPerStep?: number;
  /** The global step when this env was built (a resumed run's; default 0). */
  readonly startStep?: number;
}

/** An episode's feature ranges: codec features, and guard features as `[min, max]`. */
export interface EpisodeFeatureRanges {
  readonly codec: FeatureRangesJson;
  readonly guard: Readonly<Record<string, readonly [number, number]>>;
}

export interface RandomizedClusterInfo extends ClusterInfo {
  /** On the last step of an episode: what was drawn for it. */
  randomization?: EpisodeDraws;
  /** On the last step of an episode: the ranges seen in it. */
  featureRanges?: EpisodeFeatureRanges;
  /** The curriculum stage the episode was drawn from. */
  stage: number;
}

export class RandomizedClusterEnv implements Env<
  Float32Array,
  Float32Array,
  RandomizedClusterInfo
> {
  readonly observationSpace: Box<Float32Array>;
  readonly actionSpace: Box<Float32Array>;
  readonly metadata: EnvMetadata;
  private readonly sources = new Map<string, ParsedSource>();
  private readonly stepsPerStep: number;
  private readonly startStep: number;
  private episodes = new RngStream(0, 'cluster-dr/episodes');
  private inner: ClusterEnv;
  private draws: EpisodeDraws | null = null;
  private stage = 0;
  private stepsTaken = 0;
  /** Guard feature minima and maxima over the episode, in GUARD_FEATURE_NAMES order. */
  private readonly guardMin = new Float64Array(GUARD_FEATURE_NAMES.length);
  private readonly guardMax = new Float64Array(GUARD_FEATURE_NAMES.length);

  constructor(private readonly options: RandomizedClusterEnvOptions) {
    const stages = options.stages;
    if (stages.length === 0 || stages[0]!.fromStep !== 0)
      throw new InvalidArgumentError(
        `${RANDOMIZED_CLUSTER_ENV_ID}: stages must start with one from step 0`,
      );
    this.stepsPerStep = options.stepsPerStep ?? 1;
    this.startStep = options.startStep ?? 0;
    // The spaces and metadata of the first stage's first scenario stand for every episode.
    this.inner = new ClusterEnv({
      ...options.cluster,
      scenario: stages[0]!.randomization.scenarios[0]!,
    });
    this.observationSpace = this.inner.observationSpace;
    this.actionSpace = this.inner.actionSpace;
    this.metadata = this.inner.metadata;
  }

  /** The ClusterEnv of the current episode (its codecs, for bundles and tests). */
  get current(): ClusterEnv {
    return this.inner;
  }

  reset(args: ResetArgs = {}): ResetResult<Float32Array, RandomizedClusterInfo> {
    if (args.seed !== undefined) this.episodes = new RngStream(args.seed, 'cluster-dr/episodes');
    const globalStep = this.startStep + this.stepsTaken * this.stepsPerStep;
    this.stage = stageAt(this.options.stages, globalStep);
    const config = this.options.stages[this.stage]!.randomization;
    const rng = this.episodes.fork(`episode/${this.episodes.nextInt(2 ** 31)}`);
    const name = config.scenarios[rng.nextInt(config.scenarios.length)]!;
    const source = this.source(name);
    const member = source.member(source.isFamily ? rng.nextInt(2 ** 31) : source.defaultFamilySeed);
    const cluster = this.options.cluster ?? {};
    const interval = cluster.controlInterval ?? member.controlInterval;
    const windows = (cluster.warmupWindows ?? 1) + (cluster.episodeWindows ?? 200);
    const { scenario, draws } = perturbScenario(
      member,
      config,
      rng,
      windows * interval,
      cluster.maxTenants ?? 8,
    );
    this.draws = { scenario: member.name, ...draws };
    this.inner = new ClusterEnv({ ...cluster, scenario });
    const { observation, info } = this.inner.reset({ seed: rng.nextInt(2 ** 31) });
    this.guardMin.fill(Infinity);
    this.guardMax.fill(-Infinity);
    this.observeGuard(this.inner.lastSignals!);
    return { observation, info: { ...info, stage: this.stage } };
  }

  step(action: Float32Array): StepResult<Float32Array, RandomizedClusterInfo> {
    const r = this.inner.step(action);
    this.stepsTaken++;
    this.observeGuard(this.inner.lastSignals!);
    // ClusterEnv builds a fresh info per step: tag it rather than copy it (runs every step).
    const info = r.info as RandomizedClusterInfo;
    info.stage = this.stage;
    if (r.truncated || r.terminated) {
      info.randomization = this.draws!;
      info.featureRanges = {
        codec: this.inner.observationCodec.ranges.toJSON(),
        guard: Object.fromEntries(
          GUARD_FEATURE_NAMES.map((n, i) => [n, [this.guardMin[i]!, this.guardMax[i]!]] as const),
        ),
      };
    }
    return r as StepResult<Float32Array, RandomizedClusterInfo>;
  }

  close(): void {
    this.inner.close();
  }

  private source(name: string): ParsedSource {
    let source = this.sources.get(name);
    if (source === undefined) {
      source = parseSource(name);
      this.sources.set(name, source);
    }
    return source;
  }

  /** Folds a window's guard features in, without allocating (runs every step). */
  private observeGuard(signals: Signals): void {
    const seconds = Math.max(signals.endSeconds - signals.startSeconds, 1e-9);
    for (const t of signals.tenants) {
      this.fold(0, t.offered / seconds);
      this.fold(1, t.latency.p99);
    }
    for (const s of signals.services) {
      this.fold(2, s.utilization);
      this.fold(3, s.queueLength);
    }
  }

  private fold(i: number, value: number): void {
    if (!Number.isFinite(value)) return;
    if (value < this.guardMin[i]!) this.guardMin[i] = value;
    if (value > this.guardMax[i]!) this.guardMax[i] = value;
  }
}

if (!isRegistered(RANDOMIZED_CLUSTER_ENV_ID)) {
  register(RANDOMIZED_CLUSTER_ENV_ID, {
    factory: (options) =>
      new RandomizedClusterEnv(options as unknown as RandomizedClusterEnvOptions),
    module: import.meta.url,
  });
}
