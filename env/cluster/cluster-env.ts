/**
 * `ClusterEnv` (`governor/Cluster-v0`): the cluster simulator as a Gymnasium-style env.
 * One step is one control window: the action is decoded into a `Decision` and applied,
 * the simulation runs to the window's end, and that window's `Signals` become the
 * observation and the reward.
 *
 * - Observation: `ObservationCodec` — `[global | maxTenants slots | mask]`, all in [-1, 1].
 * - Action: `ActionCodec` — Box(float32, [maxTenants × knobs]) in [-1, 1], slot-major.
 * - Reward: the window's weighted SLO score (slo-score.ts) minus `rejectPenalty` × the
 *   weighted share of entitlement turned away (`rejectedWithinEntitlement`); the penalty
 *   is 0 by default, so by default the reward is the score. `info.score` is always the
 *   unshaped score.
 * - Episodes: reset builds a fresh `Simulation` (seeded from the env's episode stream)
 *   from a cached compiled model, runs `warmupWindows` uncontrolled windows and observes
 *   the last; the episode then lasts `episodeWindows` steps and ends truncated (never
 *   terminated: the cluster has no terminal state). The simulated time of an episode is
 *   [0, (warmupWindows + episodeWindows) × controlInterval] of the scenario.
 * - Residual mode (`base`): a base heuristic (or a composition of heuristics) from the
 *   policies registry decides on every window's Signals, warmup included, and the action
 *   corrects its decision (`ActionCodec.decodeResidual`); a zero action reproduces the
 *   base policy's run exactly. The base gets the `policy` stream of the episode's
 *   simulation seed, as it would in `simulateWithPolicy` or eval.
 * - Base-relative reward (`baseRelativeReward`, residual mode only): a shadow simulation
 *   of the same member and seed runs the base alone in lockstep, and the reward is the
 *   window's (shaped) score minus the shadow's. The shadow's scores depend on the episode's
 *   exogenous input (member, arrivals, faults) and never on the actions, so the policy
 *   gradient keeps its expectation while the input's variance, which dwarfs what a
 *   correction changes, cancels (Mao et al., "Variance Reduction for Reinforcement
 *   Learning in Input-Driven Environments", ICLR 2019). A zero action earns exactly 0.
 *   It doubles a step's simulation cost; `info.score` stays the unshaped score.
 * - Families: `reset({seed})` reseeds the episode stream; every reset draws the
 *   simulation seed from it and, for a scenario family without a fixed `familySeed`, the
 *   family member too — so each episode (and each sub-env of a vector env) may run a
 *   different member. A fixed `familySeed` pins one member.
 */
import {
  InvalidArgumentError,
  ResetNeededError,
  SimulationError,
} from '../../sim-cluster/errors.js';
import { RngStream } from '../../sim-cluster/rng.js';
import type { Decision } from '../../sim-cluster/enforcement.js';
import type { Scenario } from '../../sim-cluster/scenario/types.js';
import type { Signals } from '../../sim-cluster/signals.js';
import type { ClusterModel } from '../../sim-cluster/model.js';
import { Simulation } from '../../sim-cluster/simulation.js';
import {
  basePolicySpecs,
  createComposedPolicy,
  type BasePolicySpec,
  type BaseSpec,
  type ComposedPolicy,
} from '../../policies/compose.js';
import { policyRng } from '../../policies/control-loop.js';
import { assertAction } from '../check-action.js';
import type { Env, EnvMetadata, Info, ResetArgs, ResetResult, StepResult } from '../env.js';
import { Box } from '../spaces/box.js';
import { ActionCodec, DEFAULT_KNOBS, positiveInteger } from './action-codec.js';
import type { ActionCodecOptions, ClusterKnob } from './action-codec.js';
import { ClusterScenarios } from './cluster-scenarios.js';
import { ObservationCodec } from './observation-codec.js';
import { rejectedWithinEntitlement, windowScore } from './slo-score.js';

export const CLUSTER_ENV_ID = 'governor/Cluster-v0';
/** The default scenario: the bundled training family (sim-cluster/scenarios/cluster-train.yaml). */
export const DEFAULT_CLUSTER_SCENARIO = 'cluster-train';
export const DEFAULT_EPISODE_WINDOWS = 200;

/** Options of `ClusterEnv`; structured-clonable, so vector-env workers can receive them. */
export interface ClusterEnvOptions {
  /** A scenario file path, a bundled scenario name, or a scenario (default `cluster-train`). */
  readonly scenario?: string | Scenario;
  /** Pins one member of a scenario family; default: a member drawn per episode. */
  readonly familySeed?: number;
  /** Active knobs (default: rateLimit, weight, admitProbability). */
  readonly knobs?: readonly ClusterKnob[];
  /** Seconds per step; default: the scenario's `controlInterval`. */
  readonly controlInterval?: number;
  /** Steps per episode (default 200). */
  readonly episodeWindows?: number;
  /** Uncontrolled windows simulated by reset (default 1, at least 1). */
  readonly warmupWindows?: number;
  /** Tenant slots T_max (default 8); a scenario with more tenants is refused. */
  readonly maxTenants?: number;
  /** Reward shaping: × the weighted share of entitlement rejected (default 0: none). */
  readonly rejectPenalty?: number;
  /** Action codec parameters beyond slots and knobs (default admission services: the entry services). */
  readonly action?: Omit<ActionCodecOptions, 'slotCount' | 'knobs'>;
  /**
   * Residual mode: a base policy (`{policy, config?}`) or a list of them composed knob by
   * knob (policies/compose.ts); the action corrects the base's decision every window.
   */
  readonly base?: BaseSpec;
  /**
   * Residual mode only: reward = the window's score minus the base-alone run's score for
   * the same window (a shadow simulation of the same member and seed; default false).
   */
  readonly baseRelativeReward?: boolean;
  /**
   * Residual mode only: the observation also holds the base's decision for the coming
   * window (ObservationCodec's `baseFeatures`: each tenant's limit against its offered
   * rate and its guarantee), so the policy sees what its correction scales (default false).
   */
  readonly observeBase?: boolean;
}

/** The base alone on the episode's member and seed, run in lockstep with the env. */
interface Shadow {
  readonly sim: Simulation;
  readonly policy: ComposedPolicy;
  /** The Signals of the shadow's last window. */
  readonly signals: Signals | null;
}

/** What every reset and step reports besides the observation. */
export interface ClusterInfo extends Info {
  /** The window's unshaped weighted SLO score, in [0, 1]. */
  score: number;
  /** Per tenant: min(1, goodput ÷ entitlement), or null when it offered nothing. */
  tenantScores: Readonly<Record<string, number | null>>;
  /** The decision applied for the window (null at reset: no control). */
  decision: Decision | null;
  /** Index of the observed window in the simulation (0-based). */
  window: number;
  /** Simulated seconds at the window's end. */
  timeSeconds: number;
  /** Name of the scenario (family member) of the episode. */
  scenario: string;
}

export class ClusterEnv implements Env<Float32Array, Float32Array, ClusterInfo> {
  readonly observationSpace: Box<Float32Array>;
  readonly actionSpace: Box<Float32Array>;
  readonly metadata: EnvMetadata;
  readonly observationCodec: ObservationCodec;
  readonly actionCodec: ActionCodec;
  readonly scenarios: ClusterScenarios;
  private readonly familySeed: number | undefined;
  private readonly episodeWindows: number;
  private readonly warmupWindows: number;
  private readonly rejectPenalty: number;
  /** The residual base's specification (null: the action is the whole decision). */
  readonly base: readonly BasePolicySpec[] | null;
  private basePolicy: ComposedPolicy | null = null;
  /** The base's decision for the coming window, made when its Signals arrived. */
  private baseDecision: Decision | null = null;
  private readonly baseRelativeReward: boolean;
  private shadow: Shadow | null = null;
  private episodes = new RngStream(0, 'cluster-env/episodes');
  private sim: Simulation | null = null;
  private signals: Signals | null = null;
  private stepsTaken = 0;
  private windowsDone = 0;
  private epoch = 0;
  private ended = false;
  /** Called by the simulation at every window's end: keeps that window's Signals. */
  private readonly onWindow = (_sim: Simulation, signals: Signals): void => {
    this.signals = signals;
  };

  constructor(options: ClusterEnvOptions = {}) {
    this.episodeWindows = positiveInteger(
      options.episodeWindows ?? DEFAULT_EPISODE_WINDOWS,
      'episodeWindows',
    );
    this.warmupWindows = positiveInteger(options.warmupWindows ?? 1, 'warmupWindows');
    this.rejectPenalty = options.rejectPenalty ?? 0;
    if (!(this.rejectPenalty >= 0 && Number.isFinite(this.rejectPenalty)))
      throw new InvalidArgumentError(`rejectPenalty must be >= 0, got ${this.rejectPenalty}`);
    this.familySeed = options.familySeed;
    this.base = options.base === undefined ? null : basePolicySpecs(options.base, 'ClusterEnv');
    // Builds it once now so that an unknown name or a bad config fails at construction.
    if (this.base !== null) createComposedPolicy(this.base, {}, 'ClusterEnv base');
    this.baseRelativeReward = options.baseRelativeReward ?? false;
    if (this.baseRelativeReward && this.base === null)
      throw new InvalidArgumentError(
        'baseRelativeReward needs a base (residual mode): there is no base run to compare with',
      );
    this.scenarios = new ClusterScenarios(options.scenario ?? DEFAULT_CLUSTER_SCENARIO, {
      ...(options.controlInterval === undefined
        ? {}
        : { controlIntervalSeconds: options.controlInterval }),
      windowsPerEpisode: this.warmupWindows + this.episodeWindows,
    });
    const slotCount = positiveInteger(options.maxTenants ?? 8, 'maxTenants');
    const knobs = options.knobs ?? DEFAULT_KNOBS;
    const model = this.scenarios.model(this.familySeed);
    this.actionCodec = new ActionCodec({
      admissionServices: this.scenarios.entryServices(model),
      ...options.action,
      slotCount,
      knobs,
    });
    const observeBase = options.observeBase ?? false;
    if (observeBase && this.base === null)
      throw new InvalidArgumentError(
        'observeBase needs a base (residual mode): there is no base decision to observe',
      );
    this.observationCodec = new ObservationCodec({
      slotCount,
      knobs,
      ...(observeBase ? { baseFeatures: true } : {}),
    });
    this.observationSpace = new Box<Float32Array>({
      low: -1,
      high: 1,
      shape: [this.observationCodec.size],
    });
    this.actionSpace = new Box<Float32Array>({
      low: -1,
      high: 1,
      shape: [this.actionCodec.actionSize],
    });
    this.metadata = {
      renderModes: [],
      dtSeconds: this.scenarios.controlIntervalSeconds,
      observationLayout: this.observationCodec.layout,
      actionsPerTenant: this.actionCodec.knobsPerTenant,
      knobs: [...this.actionCodec.params.knobs],
    };
  }

  /**
   * Residual mode: the base's decision for the coming window, which the next step's
   * action corrects (null before the first reset, or without a base): read-only.
   */
  get pendingBaseDecision(): Decision | null {
    return this.baseDecision;
  }

  /** The Signals of the window last observed (null before the first reset): read-only. */
  get lastSignals(): Signals | null {
    return this.signals;
  }

  reset(args: ResetArgs = {}): ResetResult<Float32Array, ClusterInfo> {
    if (args.seed !== undefined) this.episodes = new RngStream(args.seed, 'cluster-env/episodes');
    const simSeed = this.episodes.nextInt(2 ** 31);
    const member =
      this.familySeed ??
      (this.scenarios.isFamily ? this.episodes.nextInt(2 ** 31) : this.scenarios.defaultFamilySeed);
    const model = this.scenarios.model(member);
    const slots = this.actionCodec.params.slotCount;
    if (model.tenants.length > slots)
      throw new InvalidArgumentError(
        `${model.scenario.name} has ${model.tenants.length} tenants, more than maxTenants = ${slots}`,
      );
    this.signals = null;
    // The env reads only window Signals: no whole-run latency histograms (runLatency).
    this.sim = new Simulation(model, { seed: simSeed, onWindow: this.onWindow, runLatency: false });
    this.basePolicy =
      this.base === null
        ? null
        : createComposedPolicy(this.base, { rng: policyRng(simSeed) }, 'ClusterEnv base');
    this.basePolicy?.reset();
    this.shadow = this.baseRelativeReward ? this.newShadow(model, simSeed) : null;
    this.observationCodec.reset();
    this.stepsTaken = 0;
    this.windowsDone = 0;
    this.epoch = 0;
    this.ended = false;
    for (let w = 0; w < this.warmupWindows; w++) {
      // The base governs the warmup windows too (their last is decided on in step).
      if (w > 0 && this.basePolicy !== null)
        this.sim.applyDecision(this.basePolicy.decide(this.signals!));
      this.runWindow();
      if (this.shadow !== null) this.stepShadow(w > 0);
    }
    const signals = this.signals!;
    this.baseDecision = this.basePolicy?.decide(signals) ?? null;
    const observation = this.observationCodec.encode(signals, null, this.baseDecision);
    return { observation, info: this.info(signals, null) };
  }

  step(action: Float32Array): StepResult<Float32Array, ClusterInfo> {
    assertAction(CLUSTER_ENV_ID, this.actionSpace, action);
    if (this.sim === null || this.ended)
      throw new ResetNeededError(
        `${CLUSTER_ENV_ID}: ${this.sim === null ? 'step() before reset()' : 'step() after the episode ended'}: call reset() first`,
      );
    const signals0 = this.signals!;
    const decision =
      this.baseDecision === null
        ? this.actionCodec.decode(action, signals0, ++this.epoch)
        : this.actionCodec.decodeResidual(action, signals0, this.baseDecision);
    this.sim.applyDecision(decision);
    this.runWindow();
    const signals = this.signals!;
    // The base decides on the window as soon as it is observed (as in the daemon), so the
    // observation can show its decision; the next step corrects that same decision.
    this.baseDecision = this.basePolicy?.decide(signals) ?? null;
    const observation = this.observationCodec.encode(signals, action, this.baseDecision);
    const info = this.info(signals, decision);
    let reward = this.shapedReward(signals, info.score);
    if (this.shadow !== null) {
      const base = this.stepShadow(true);
      reward -= this.shapedReward(base, windowScore(base).score);
    }
    this.stepsTaken++;
    const truncated = this.stepsTaken >= this.episodeWindows || this.sim.done;
    if (truncated) this.ended = true;
    return { observation, reward, terminated: false, truncated, info };
  }

  close(): void {
    this.sim = null;
    this.signals = null;
    this.baseDecision = null;
    this.shadow = null;
  }

  private shapedReward(signals: Signals, score: number): number {
    return this.rejectPenalty > 0
      ? score - this.rejectPenalty * rejectedWithinEntitlement(signals)
      : score;
  }

  /** The base alone on `model` from `seed`: the same construction as the env's own run. */
  private newShadow(model: ClusterModel, seed: number): Shadow {
    const policy = createComposedPolicy(this.base!, { rng: policyRng(seed) }, 'ClusterEnv base');
    policy.reset();
    const latest: { signals: Signals | null } = { signals: null };
    const sim = new Simulation(model, {
      seed,
      onWindow: (_sim, signals) => {
        latest.signals = signals;
      },
      runLatency: false,
    });
    return {
      sim,
      policy,
      get signals() {
        return latest.signals;
      },
    };
  }

  /**
   * Runs the shadow's next window (the env's `windowsDone`-th), the base deciding first
   * when `decide`; returns its Signals.
   */
  private stepShadow(decide: boolean): Signals {
    const shadow = this.shadow!;
    if (decide) shadow.sim.applyDecision(shadow.policy.decide(shadow.signals!));
    shadow.sim.runUntil(this.windowsDone * shadow.sim.controlIntervalSeconds);
    if (shadow.signals === null || shadow.signals.window !== this.windowsDone - 1)
      throw new SimulationError(
        `${CLUSTER_ENV_ID}: the base run produced no signals for window ${this.windowsDone - 1}`,
      );
    return shadow.signals;
  }

  /** Runs the simulation to the end of the next window; its Signals land in `signals`. */
  private runWindow(): void {
    const sim = this.sim!;
    // The same arithmetic as the simulation's own window schedule, so the times match.
    sim.runUntil((this.windowsDone + 1) * sim.controlIntervalSeconds);
    this.windowsDone++;
    if (this.signals === null || this.signals.window !== this.windowsDone - 1)
      throw new SimulationError(
        `${CLUSTER_ENV_ID}: the simulation produced no signals for window ${this.windowsDone - 1}`,
      );
  }

  private info(signals: Signals, decision: Decision | null): ClusterInfo {
    const { score, tenantScores } = windowScore(signals);
    return {
      score,
      tenantScores,
      decision,
      window: signals.window,
      timeSeconds: signals.endSeconds,
      scenario: this.sim!.model.scenario.name,
    };
  }
}
