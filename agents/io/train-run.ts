/**
 * One training run on a registered env, writing to an output directory:
 *
 * ```
 * OUT/metrics.jsonl   one {step, tag, value} object per line, streamed as training runs
 * OUT/checkpoint/     weights + Adam state + trainer state (resumable), after the last iteration
 * OUT/bundle/         the policy bundle (weights, codec parameters, manifest)
 * ```
 *
 * This is an edge module: it reads the wall clock (for charts/SPS) and writes files.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SyncVectorEnv, make } from '../../env/index.js';
import type { VectorEnv } from '../../env/index.js';
import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import { selectBackend } from '../backend.js';
import type { BackendName } from '../backend.js';
import { saveBundle } from '../bundle.js';
import type { ActorCritic } from '../actor-critic.js';
import { loadCheckpoint, readCheckpointManifest, saveCheckpoint } from '../checkpoint.js';
import type { NetworkSpec } from '../network-spec.js';
import { Ppo } from '../ppo.js';
import type { Metric, PpoState } from '../ppo.js';
import { CLEANRL_PPO, CLEANRL_PPO_CONTINUOUS, PPO_PRESETS } from '../ppo-config.js';
import type { PpoConfig } from '../ppo-config.js';
import { writeFileAtomically } from './directory-io.js';

export interface TrainRunOptions {
  readonly envId: string;
  readonly totalSteps: number;
  readonly seed: number;
  readonly outDir: string;
  readonly backend?: BackendName;
  /** A key of PPO_PRESETS; by default CleanRL's discrete or continuous defaults. */
  readonly preset?: string;
  /** A complete PPO config: used as is (no preset, no overrides). */
  readonly config?: PpoConfig;
  /** Overrides applied on top of the preset. */
  readonly overrides?: Partial<PpoConfig>;
  /** A checkpoint directory to resume from. */
  readonly resume?: string;
  /** Checkpoint every this many iterations (0: only at the end). */
  readonly checkpointEvery?: number;
  /** Progress lines (stderr by default). */
  readonly log?: (line: string) => void;
  /** What a caller adds to the run: its env, network, sinks, state and bundle. */
  readonly hooks?: TrainRunHooks;
}

/** The state a checkpoint of a run holds: the trainer's, plus the hooks' own. */
export interface RunCheckpointState extends PpoState {
  readonly extra?: unknown;
}

/** Extension points of a run (training/ builds the cluster runs on them). */
export interface TrainRunHooks {
  /** Builds the vector env (same-step autoreset); `startStep` is a resumed run's step. */
  readonly makeEnvs?: (config: PpoConfig, startStep: number) => Promise<VectorEnv>;
  /** The network to train (default: an MLP with the config's hidden sizes). */
  readonly network?: (envs: VectorEnv) => NetworkSpec;
  /** Every metric, after it is written to metrics.jsonl. */
  readonly onMetric?: (metric: Metric) => void;
  /** After each iteration and its checkpoint, with a sink for more metrics; awaited. */
  readonly onIteration?: (ppo: Ppo, emit: (metric: Metric) => void) => void | Promise<void>;
  /** Extra state for checkpoints, and its restoration on resume. */
  readonly saveState?: () => unknown;
  readonly restoreState?: (extra: unknown) => void;
  /** Writes the run's bundle (default: the generic one with the env id and observation statistics). */
  readonly writeBundle?: (dir: string, network: ActorCritic, state: RunCheckpointState) => void;
  /** Called once the run is over (the env is closed), also after a failure. */
  readonly close?: () => void | Promise<void>;
}

export interface TrainRunSummary {
  readonly globalStep: number;
  readonly episodes: number;
  /** Mean return of the last 20 finished episodes (NaN when none finished). */
  readonly meanReturnLast20: number;
  readonly stepsPerSecond: number;
  readonly backend: BackendName;
  readonly config: PpoConfig;
}

/** The preset for `envId`: `preset` when given, else by the env's action space. */
export function resolveConfig(envId: string, preset?: string): PpoConfig {
  if (preset !== undefined) {
    const config = PPO_PRESETS[preset];
    if (config === undefined) {
      throw new InvalidArgumentError(
        `unknown PPO preset ${preset}; known: ${Object.keys(PPO_PRESETS).join(', ')}`,
      );
    }
    return config;
  }
  const probe = make(envId);
  const discrete = probe.actionSpace.toJson().kind === 'discrete';
  probe.close();
  return discrete ? CLEANRL_PPO : CLEANRL_PPO_CONTINUOUS;
}

/** The global step of the checkpoint in `dir`. */
export function checkpointStep(dir: string): number {
  return (readCheckpointManifest(dir).state as RunCheckpointState).globalStep;
}

/**
 * Keeps the lines of `path` (metrics.jsonl) logged at or before `step`: a resumed run
 * redoes the work after its checkpoint, so its metrics would otherwise appear twice.
 */
function truncateMetrics(path: string, step: number): void {
  if (!existsSync(path)) return;
  const kept = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '' && (JSON.parse(line) as Metric).step <= step);
  writeFileAtomically(path, kept.map((l) => `${l}\n`).join(''));
}

/** Trains PPO as `options` say and writes metrics, a checkpoint and a bundle. */
export async function runTraining(options: TrainRunOptions): Promise<TrainRunSummary> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const hooks = options.hooks ?? {};
  const config = options.config ?? {
    ...resolveConfig(options.envId, options.preset),
    ...options.overrides,
  };
  const backend = await selectBackend({
    log,
    ...(options.backend ? { force: options.backend } : {}),
  });
  const startStep = options.resume === undefined ? 0 : checkpointStep(options.resume);
  const envs = hooks.makeEnvs
    ? await hooks.makeEnvs(config, startStep)
    : SyncVectorEnv.make(options.envId, config.numEnvs, { autoresetMode: 'same-step' });
  const ppo = new Ppo(envs, config, options.seed, hooks.network?.(envs));
  const metricsPath = join(options.outDir, 'metrics.jsonl');
  mkdirSync(options.outDir, { recursive: true });
  if (options.resume !== undefined) {
    const state = loadCheckpoint(options.resume, ppo.network, ppo.optimizer) as RunCheckpointState;
    ppo.setState(state);
    hooks.restoreState?.(state.extra);
    truncateMetrics(metricsPath, state.globalStep);
  }
  const metricsFd = openSync(metricsPath, options.resume ? 'a' : 'w');
  const returns: number[] = [];
  let sps = NaN;
  const onMetric = (m: Metric) => {
    writeSync(metricsFd, `${JSON.stringify(m)}\n`);
    if (m.tag === 'charts/episodic_return') returns.push(m.value);
    if (m.tag === 'charts/SPS') sps = m.value;
    hooks.onMetric?.(m);
  };
  const clock = () => performance.now() / 1000;
  const meanLast20 = () => {
    const last = returns.slice(-20);
    return last.length === 0 ? NaN : last.reduce((a, b) => a + b, 0) / last.length;
  };
  const checkpointDir = join(options.outDir, 'checkpoint');
  const state = (): RunCheckpointState => ({
    ...ppo.getState(),
    ...(hooks.saveState ? { extra: hooks.saveState() } : {}),
  });
  const onIteration = async (p: Ppo) => {
    const every = options.checkpointEvery ?? 0;
    if (every > 0 && p.iteration % every === 0) {
      saveCheckpoint(checkpointDir, p.network, p.optimizer, state());
    }
    if (hooks.onIteration) await hooks.onIteration(p, onMetric);
    else if (p.iteration % 20 === 0) {
      log(
        `step ${p.globalStep}  return(last 20) ${meanLast20().toFixed(1)}  SPS ${sps.toFixed(0)}`,
      );
    }
  };
  try {
    await ppo.train({ totalSteps: options.totalSteps, onMetric, onIteration, clock });
  } finally {
    closeSync(metricsFd);
    await envs.close();
    await hooks.close?.();
  }
  const finalState = state();
  saveCheckpoint(checkpointDir, ppo.network, ppo.optimizer, finalState);
  const summary: TrainRunSummary = {
    globalStep: ppo.globalStep,
    episodes: returns.length,
    meanReturnLast20: meanLast20(),
    stepsPerSecond: sps,
    backend: backend.name,
    config,
  };
  const bundleDir = join(options.outDir, 'bundle');
  if (hooks.writeBundle) {
    hooks.writeBundle(bundleDir, ppo.network, finalState);
  } else {
    const codec = {
      env: options.envId,
      observationNormalization: finalState.obsRms,
      clipObservation: config.clipObservation,
    };
    saveBundle(bundleDir, ppo.network, codec, {
      algorithm: 'ppo',
      env: options.envId,
      seed: options.seed,
      totalSteps: options.totalSteps,
      globalStep: ppo.globalStep,
      episodes: returns.length,
      meanReturnLast20: summary.meanReturnLast20,
      backend: backend.name,
      config,
      finishedAt: new Date().toISOString(),
    });
  }
  ppo.dispose();
  return summary;
}
