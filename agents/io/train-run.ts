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
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SyncVectorEnv, make } from '../../env/index.js';
import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import { selectBackend } from '../backend.js';
import type { BackendName } from '../backend.js';
import { saveBundle } from '../bundle.js';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint.js';
import { Ppo } from '../ppo.js';
import type { Metric, PpoState } from '../ppo.js';
import { CLEANRL_PPO, CLEANRL_PPO_CONTINUOUS, PPO_PRESETS } from '../ppo-config.js';
import type { PpoConfig } from '../ppo-config.js';

export interface TrainRunOptions {
  readonly envId: string;
  readonly totalSteps: number;
  readonly seed: number;
  readonly outDir: string;
  readonly backend?: BackendName;
  /** A key of PPO_PRESETS; by default CleanRL's discrete or continuous defaults. */
  readonly preset?: string;
  /** Overrides applied on top of the preset. */
  readonly overrides?: Partial<PpoConfig>;
  /** A checkpoint directory to resume from. */
  readonly resume?: string;
  /** Checkpoint every this many iterations (0: only at the end). */
  readonly checkpointEvery?: number;
  /** Progress lines (stderr by default). */
  readonly log?: (line: string) => void;
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

/** Trains PPO as `options` say and writes metrics, a checkpoint and a bundle. */
export async function runTraining(options: TrainRunOptions): Promise<TrainRunSummary> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const config = { ...resolveConfig(options.envId, options.preset), ...options.overrides };
  const backend = await selectBackend({
    log,
    ...(options.backend ? { force: options.backend } : {}),
  });
  const envs = SyncVectorEnv.make(options.envId, config.numEnvs, { autoresetMode: 'same-step' });
  const ppo = new Ppo(envs, config, options.seed);
  if (options.resume !== undefined) {
    ppo.setState(loadCheckpoint(options.resume, ppo.network, ppo.optimizer) as PpoState);
  }
  mkdirSync(options.outDir, { recursive: true });
  const metricsFd = openSync(join(options.outDir, 'metrics.jsonl'), options.resume ? 'a' : 'w');
  const returns: number[] = [];
  let sps = NaN;
  const onMetric = (m: Metric) => {
    writeSync(metricsFd, `${JSON.stringify(m)}\n`);
    if (m.tag === 'charts/episodic_return') returns.push(m.value);
    if (m.tag === 'charts/SPS') sps = m.value;
  };
  const clock = () => performance.now() / 1000;
  const meanLast20 = () => {
    const last = returns.slice(-20);
    return last.length === 0 ? NaN : last.reduce((a, b) => a + b, 0) / last.length;
  };
  const checkpointDir = join(options.outDir, 'checkpoint');
  const onIteration = (p: Ppo) => {
    const every = options.checkpointEvery ?? 0;
    if (every > 0 && p.iteration % every === 0) {
      saveCheckpoint(checkpointDir, p.network, p.optimizer, p.getState());
    }
    if (p.iteration % 20 === 0) {
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
  }
  saveCheckpoint(checkpointDir, ppo.network, ppo.optimizer, ppo.getState());
  const summary: TrainRunSummary = {
    globalStep: ppo.globalStep,
    episodes: returns.length,
    meanReturnLast20: meanLast20(),
    stepsPerSecond: sps,
    backend: backend.name,
    config,
  };
  const state = ppo.getState();
  const codec = {
    env: options.envId,
    observationNormalization: state.obsRms,
    clipObservation: config.clipObservation,
  };
  saveBundle(join(options.outDir, 'bundle'), ppo.network, codec, {
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
  ppo.dispose();
  return summary;
}
