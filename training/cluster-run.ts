/**
 * A training run of the cluster env from a `TrainConfig`, in a run directory:
 *
 * ```
 * RUN/run.json                    the validated config (what `--resume` and `export` read)
 * RUN/metrics.jsonl               {step, tag, value}: losses/*, charts/*, eval/*
 * RUN/events.out.tfevents.*       the same scalars for TensorBoard
 * RUN/checkpoint/                 weights, Adam, trainer state, feature ranges (atomic)
 * RUN/bundle/                     the policy bundle, written at the end (and by `export`)
 * ```
 *
 * An edge module: it reads the wall clock (progress, TensorBoard) and writes files.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createActorCritic, disposeActorCritic } from '../agents/actor-critic.js';
import type { ActorCritic } from '../agents/actor-critic.js';
import { saveBundle } from '../agents/bundle.js';
import type { BundleManifest } from '../agents/bundle.js';
import { readCheckpointManifest } from '../agents/checkpoint.js';
import { writeFileAtomically } from '../agents/io/directory-io.js';
import { runTraining } from '../agents/io/train-run.js';
import type { RunCheckpointState, TrainRunSummary } from '../agents/io/train-run.js';
import { packedTenantLayout } from '../agents/network-spec.js';
import type { NetworkSpec } from '../agents/network-spec.js';
import type { Metric, Ppo } from '../agents/ppo.js';
import { readVerifiedFile } from '../agents/bundle.js';
import { bytesToFloats, restoreParameters } from '../agents/weights-io.js';
import type { WeightEntry } from '../agents/weights-io.js';
import { makeVec } from '../env/index.js';
import { BundleError, UsageError } from '../sim-cluster/errors.js';
import { RngStream } from '../sim-cluster/rng.js';
import type { TrainConfig } from './config.js';
import { evaluate } from './evaluate.js';
import { Progress } from './progress.js';
import { RANDOMIZED_CLUSTER_ENV_ID, RandomizedClusterEnv } from './randomized-cluster-env.js';
import type { RandomizedClusterEnvOptions } from './randomized-cluster-env.js';
import { RangeCollectingVectorEnv, TrainingRanges } from './training-ranges.js';
import type { TrainingRangesJson } from './training-ranges.js';
import { TensorBoardWriter } from './tensorboard.js';

export const RUN_FORMAT = 'governor-training-run';

interface RunFile {
  readonly format: typeof RUN_FORMAT;
  readonly version: 1;
  readonly config: TrainConfig;
}

/** The env options of a run's sub-envs. */
function envOptions(config: TrainConfig, stepsPerStep: number, startStep: number) {
  const options: RandomizedClusterEnvOptions = {
    cluster: config.cluster,
    stages: config.stages,
    stepsPerStep,
    startStep,
  };
  return options;
}

/** What a run's config fixes about its policy: the codecs and the network. */
export function runShape(config: TrainConfig) {
  const probe = new RandomizedClusterEnv(envOptions(config, 1, 0));
  const observation = probe.current.observationCodec;
  const action = probe.current.actionCodec;
  const { globalDim, slotCount, slotDim } = observation.layout;
  const network: NetworkSpec = {
    kind: 'tenant',
    layout: packedTenantLayout(globalDim, slotCount, slotDim),
    actionsPerTenant: action.knobsPerTenant,
    hidden: config.hidden,
  };
  probe.close();
  return { observation, action, network };
}

/** The run's config from `RUN/run.json`. */
export function readRun(runDir: string): TrainConfig {
  const path = join(runDir, 'run.json');
  if (!existsSync(path))
    throw new UsageError(`${runDir} is not a training run directory: ${path} not found`);
  const run = JSON.parse(readFileSync(path, 'utf8')) as RunFile;
  if (run.format !== RUN_FORMAT || run.version !== 1)
    throw new UsageError(`${path}: not a ${RUN_FORMAT} version 1 file`);
  return run.config;
}

/** Writes the policy bundle of a run from a network and a checkpoint state. */
export function writeRunBundle(
  dir: string,
  config: TrainConfig,
  network: ActorCritic,
  state: RunCheckpointState,
): BundleManifest {
  const shape = runShape(config);
  const ranges = new TrainingRanges(
    shape.observation.ranges.names,
    shape.observation.layout.globalDim,
  );
  const extra = state.extra as { featureRanges?: TrainingRangesJson } | undefined;
  if (extra?.featureRanges) ranges.merge(extra.featureRanges);
  const codec = {
    env: RANDOMIZED_CLUSTER_ENV_ID,
    observation: { ...shape.observation.toJSON(), ranges: ranges.codec.toJSON() },
    action: shape.action.toJSON(),
    observationNormalization: state.obsRms,
    clipObservation: config.ppo.clipObservation,
  };
  return saveBundle(dir, network, codec, {
    algorithm: 'ppo',
    env: RANDOMIZED_CLUSTER_ENV_ID,
    seed: config.seed,
    totalSteps: config.totalSteps,
    globalStep: state.globalStep,
    iteration: state.iteration,
    featureRanges: ranges.toFeatureRanges(),
    featureRangeEpisodes: ranges.episodes,
    config,
  });
}

export interface ClusterRunOptions {
  readonly config: TrainConfig;
  readonly outDir: string;
  /** Continue the run in `outDir` from its checkpoint. */
  readonly resume?: boolean;
  readonly log?: (line: string) => void;
}

/** Trains as `config` says (or resumes the run in `outDir`) and writes the run directory. */
export async function trainCluster(options: ClusterRunOptions): Promise<TrainRunSummary> {
  const { config, outDir } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const checkpoint = join(outDir, 'checkpoint');
  const resumeFrom = options.resume ? latestCheckpoint(outDir) : undefined;
  if (options.resume && resumeFrom === undefined)
    throw new UsageError(`cannot resume ${outDir}: it has no checkpoint yet (${checkpoint})`);
  if (!options.resume) {
    const run: RunFile = { format: RUN_FORMAT, version: 1, config };
    runTrainingDir(outDir);
    writeFileAtomically(join(outDir, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
  }
  const shape = runShape(config);
  const ranges = new TrainingRanges(
    shape.observation.ranges.names,
    shape.observation.layout.globalDim,
  );
  let collector: RangeCollectingVectorEnv | null = null;
  const wall = () => Date.now() / 1000;
  const tensorboard = new TensorBoardWriter(outDir, wall);
  const progress = new Progress(process.stderr, wall);
  const started = { time: wall(), step: 0 };
  const returns: number[] = [];
  let lastEval = -Infinity;
  let evalText = '';

  const onIteration = (ppo: Ppo, emit: (m: Metric) => void) => {
    const step = ppo.globalStep;
    emit({ step, tag: 'charts/curriculum_stage', value: collector?.stage ?? 0 });
    emit({ step, tag: 'charts/feature_range_episodes', value: ranges.episodes });
    const evalConfig = config.eval;
    const last = step + ppo.batchSize > config.totalSteps;
    if (evalConfig && (step - lastEval >= evalConfig.everySteps || last)) {
      lastEval = step;
      const scores = evaluate({
        network: ppo.network,
        obsRms: ppo.getState().obsRms,
        clipObservation: config.ppo.clipObservation,
        cluster: config.cluster,
        scenarios: evalConfig.scenarios,
      });
      let sum = 0;
      for (const [name, score] of scores) {
        emit({ step, tag: `eval/${name}/score`, value: score });
        sum += score;
      }
      emit({ step, tag: 'eval/mean_score', value: sum / scores.size });
      evalText = (sum / scores.size).toFixed(3);
    }
    const recent = returns.slice(-20);
    const meanReturn = recent.reduce((a, b) => a + b, 0) / Math.max(1, recent.length);
    progress.update(
      {
        step,
        totalSteps: config.totalSteps,
        stepsPerSecond: (step - started.step) / Math.max(1e-9, wall() - started.time),
        extra: {
          return: recent.length ? meanReturn.toFixed(1) : '-',
          stage: String(collector?.stage ?? 0),
          ...(evalText ? { eval: evalText } : {}),
        },
      },
      last,
    );
  };

  try {
    const summary = await runTraining({
      envId: RANDOMIZED_CLUSTER_ENV_ID,
      totalSteps: config.totalSteps,
      seed: config.seed,
      outDir,
      config: config.ppo,
      checkpointEvery: config.checkpointEvery,
      log,
      ...(config.backend ? { backend: config.backend } : {}),
      ...(resumeFrom === undefined ? {} : { resume: resumeFrom }),
      hooks: {
        makeEnvs: async (ppoConfig, startStep) => {
          started.step = startStep;
          const inner = await makeVec(RANDOMIZED_CLUSTER_ENV_ID, {
            numEnvs: ppoConfig.numEnvs,
            vectorizationMode: config.vector.mode,
            numWorkers: config.vector.workers,
            callerSteps: config.vector.callerSteps,
            autoresetMode: 'same-step',
            makeOptions: {
              options: envOptions(config, ppoConfig.numEnvs, startStep) as unknown as Record<
                string,
                unknown
              >,
            },
          });
          collector = new RangeCollectingVectorEnv(inner, ranges);
          return collector;
        },
        network: () => shape.network,
        onMetric: (m) => {
          tensorboard.scalar(m.tag, m.step, m.value);
          if (m.tag === 'charts/episodic_return') returns.push(m.value);
        },
        onIteration,
        saveState: () => ({ featureRanges: ranges.toJSON() }),
        restoreState: (extra) => {
          const saved = (extra as { featureRanges?: TrainingRangesJson } | undefined)
            ?.featureRanges;
          if (saved) ranges.merge(saved);
        },
        writeBundle: (dir, network, state) => writeRunBundle(dir, config, network, state),
        close: () => {
          progress.done();
          tensorboard.close();
        },
      },
    });
    return summary;
  } finally {
    tensorboard.close();
  }
}

/**
 * The run's checkpoint directory; when a kill fell between the two renames of its atomic
 * replacement (agents/io/directory-io.ts), the previous one moved aside to
 * `.checkpoint.old-PID`. Undefined when the run has none.
 */
export function latestCheckpoint(runDir: string): string | undefined {
  const main = join(runDir, 'checkpoint');
  if (existsSync(join(main, 'manifest.json'))) return main;
  const aside = existsSync(runDir)
    ? readdirSync(runDir).filter((f) => f.startsWith('.checkpoint.old-'))
    : [];
  const found = aside.map((f) => join(runDir, f)).find((d) => existsSync(join(d, 'manifest.json')));
  return found;
}

function runTrainingDir(dir: string): void {
  if (existsSync(join(dir, 'run.json')))
    throw new UsageError(
      `${dir} already holds a training run; use --resume ${dir} to continue it, or another --out`,
    );
}

/** Writes the bundle of the run in `runDir` from its latest checkpoint. */
export function exportRun(runDir: string, outDir: string): BundleManifest {
  const config = readRun(runDir);
  const dir = latestCheckpoint(runDir);
  if (dir === undefined) throw new UsageError(`${runDir} has no checkpoint yet; nothing to export`);
  const manifest = readCheckpointManifest(dir);
  const network = createActorCritic(manifest.network, new RngStream(0, 'export'));
  try {
    const bin = readVerifiedFile(dir, manifest.files, 'weights.bin');
    const index = JSON.parse(
      readVerifiedFile(dir, manifest.files, 'weights.json').toString('utf8'),
    );
    restoreParameters(
      network.parameters,
      { index: index as WeightEntry[], data: bytesToFloats(bin) },
      join(dir, 'weights.bin'),
    );
    if (JSON.stringify(manifest.network) !== JSON.stringify(runShape(config).network))
      throw new BundleError(`${dir}: the checkpoint's network does not match ${runDir}/run.json`);
    return writeRunBundle(outDir, config, network, manifest.state as RunCheckpointState);
  } finally {
    disposeActorCritic(network);
  }
}
