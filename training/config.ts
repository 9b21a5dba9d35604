/**
 * Training run configs (`governor train --config FILE`), in YAML, validated on load with
 * errors naming the file, the field path, the rule and the value
 * (`run.yaml: rateScale must be a list of two positive numbers [low, high], got 0 at randomization.rateScale`).
 * See docs/training.md for the format; every field is optional.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { PPO_PRESETS, CLEANRL_PPO_CONTINUOUS } from '../agents/ppo-config.js';
import type { PpoConfig } from '../agents/ppo-config.js';
import { BACKEND_NAMES } from '../agents/backend.js';
import type { BackendName } from '../agents/backend.js';
import { CLUSTER_KNOBS } from '../env/cluster/action-codec.js';
import type { ClusterEnvOptions } from '../env/cluster/cluster-env.js';
import { InvalidConfigError, InvalidScenarioError } from '../sim-cluster/errors.js';
import * as v from '../sim-cluster/scenario/field.js';
import { Field } from '../sim-cluster/scenario/field.js';
import { FAULT_KINDS } from './randomization.js';
import type {
  CurriculumStage,
  FaultRandomization,
  RandomizationConfig,
  Range,
} from './randomization.js';

/**
 * PPO defaults for the cluster env: CleanRL's continuous settings with 8 envs × 256
 * steps, 4 epochs of 4 minibatches of 512 (the update is most of a run's time: see
 * `npm run bench -- train`).
 */
export const CLUSTER_PPO: PpoConfig = {
  ...CLEANRL_PPO_CONTINUOUS,
  numEnvs: 8,
  numSteps: 256,
  numMinibatches: 4,
  updateEpochs: 4,
};

/**
 * The per-tenant network's width (encoders and heads). 32 rather than 64: the update
 * costs about twice as much at 64 (bench, 26 Nov 2026) and 32 units per tenant encode
 * its 27 features.
 */
export const DEFAULT_TENANT_HIDDEN = 32;

export interface EvalConfig {
  /** Evaluate every this many global steps (and at the end). */
  readonly everySteps: number;
  readonly scenarios: readonly EvalScenario[];
}

export interface EvalScenario {
  /** Metric name: `eval/<name>/score`. */
  readonly name: string;
  readonly scenario: string;
  readonly familySeed?: number;
  /** One deterministic episode per seed. */
  readonly seeds: readonly number[];
}

/** A validated training config (all defaults filled in). */
export interface TrainConfig {
  /** Where the config came from (a path or `<flags>`). */
  readonly source: string;
  readonly cluster: Omit<ClusterEnvOptions, 'scenario' | 'familySeed'>;
  /** Curriculum stages; without a curriculum, one stage from step 0. */
  readonly stages: readonly CurriculumStage[];
  readonly ppo: PpoConfig;
  readonly hidden: number;
  /**
   * `callerSteps` (async only): the training thread steps one slice of the sub-envs
   * itself and `workers` counts it (AsyncVectorEnvOptions.callerSteps).
   */
  readonly vector: {
    readonly mode: 'sync' | 'async';
    readonly workers: number;
    readonly callerSteps: boolean;
  };
  readonly totalSteps: number;
  readonly seed: number;
  /** Checkpoint every this many iterations (0: only at the end). */
  readonly checkpointEvery: number;
  readonly eval: EvalConfig | null;
  readonly backend?: BackendName;
}

const TOP_KEYS = [
  'env',
  'randomization',
  'curriculum',
  'ppo',
  'network',
  'numEnvs',
  'vector',
  'totalSteps',
  'seed',
  'checkpointEvery',
  'eval',
  'backend',
];
const ENV_KEYS = [
  'scenario',
  'knobs',
  'maxTenants',
  'episodeWindows',
  'warmupWindows',
  'controlInterval',
  'rejectPenalty',
];
const RANDOMIZATION_KEYS = [
  'scenarios',
  'rateScale',
  'mixJitter',
  'replicaScale',
  'coreScale',
  'tenants',
  'faults',
];
const PPO_NUMBERS: Partial<
  Record<keyof PpoConfig, 'positive' | 'integer' | 'fraction' | 'nonneg'>
> = {
  learningRate: 'positive',
  adamEpsilon: 'positive',
  numSteps: 'integer',
  numMinibatches: 'integer',
  updateEpochs: 'integer',
  gamma: 'fraction',
  gaeLambda: 'fraction',
  clipCoef: 'positive',
  entCoef: 'nonneg',
  vfCoef: 'nonneg',
  maxGradNorm: 'positive',
  targetKl: 'positive',
  clipObservation: 'positive',
  clipReward: 'positive',
};
const PPO_BOOLEANS: readonly (keyof PpoConfig)[] = [
  'annealLr',
  'normAdv',
  'clipVloss',
  'normalizeObservation',
  'normalizeReward',
  'clipAction',
];

/** A scenario reference: a bundled name, or a path resolved against the config's folder. */
function scenarioRef(raw: unknown, at: Field, dir: string): string {
  const name = v.expectString(raw, at);
  const isPath = name.includes('/') || name.endsWith('.yaml');
  if (!isPath) return name;
  const path = isAbsolute(name) ? name : resolve(dir, name);
  if (!existsSync(path)) at.fail(`no scenario file at ${path}`);
  return path;
}

function range(raw: unknown, at: Field, positive: boolean, integer = false): Range {
  const rule = `${at.name} must be a list of two ${integer ? 'integers >= 1' : positive ? 'positive numbers' : 'numbers'} [low, high] with low <= high`;
  const ok =
    Array.isArray(raw) &&
    raw.length === 2 &&
    raw.every(
      (x) =>
        typeof x === 'number' &&
        Number.isFinite(x) &&
        (!positive || x > 0) &&
        (!integer || (Number.isSafeInteger(x) && x >= 1)),
    ) &&
    (raw[0] as number) <= (raw[1] as number);
  if (!ok)
    at.fail(`${rule}, got ${Array.isArray(raw) ? `[${raw.map(v.show).join(', ')}]` : v.show(raw)}`);
  return [raw[0], raw[1]] as const;
}

function faults(raw: unknown, at: Field): FaultRandomization {
  const obj = v.expectMapping(raw, at);
  v.expectKeys(obj, ['probability', 'kinds', 'duration'], at);
  const probability = v.requiredKey(obj, 'probability', at, (r, f) => {
    const p = v.expectNumber(r, f);
    if (!(p >= 0 && p <= 1)) f.fail(`probability must be in [0, 1], got ${v.show(r)}`);
    return p;
  });
  const kinds = v.optionalKey(
    obj,
    'kinds',
    at,
    (r, f) => v.expectList(r, f, true).map((k, i) => v.expectEnum(k, FAULT_KINDS, f.index(i))),
    [...FAULT_KINDS],
  );
  const durationSeconds = v.optionalKey(obj, 'duration', at, (r, f) => range(r, f, true), [
    1, 5,
  ] as Range);
  return { probability, kinds, durationSeconds };
}

/** A randomization block; fields absent fall back to `base` (the top-level block). */
function randomization(
  raw: unknown,
  at: Field,
  dir: string,
  base: RandomizationConfig,
): RandomizationConfig {
  const obj = v.expectMapping(raw, at);
  v.expectKeys(obj, RANDOMIZATION_KEYS, at);
  const out: Record<string, unknown> = { ...base };
  const set = <T>(key: string, parse: (r: unknown, f: Field) => T) => {
    if (obj[key] !== undefined) out[key] = parse(obj[key], at.key(key));
  };
  set('scenarios', (r, f) =>
    v.expectList(r, f, true).map((s, i) => scenarioRef(s, f.index(i), dir)),
  );
  set('rateScale', (r, f) => range(r, f, true));
  set('replicaScale', (r, f) => range(r, f, true));
  set('coreScale', (r, f) => range(r, f, true));
  set('tenants', (r, f) => range(r, f, true, true));
  set('mixJitter', (r, f) => {
    const j = v.expectNumber(r, f);
    if (!(j >= 0 && j < 1)) f.fail(`mixJitter must be in [0, 1), got ${v.show(r)}`);
    return j;
  });
  set('faults', faults);
  return out as unknown as RandomizationConfig;
}

function curriculum(raw: unknown, at: Field, dir: string, base: RandomizationConfig) {
  const list = v.expectList(raw, at, true);
  const stages: CurriculumStage[] = list.map((s, i) => {
    const f = at.index(i);
    const obj = v.expectMapping(s, f);
    v.expectKeys(obj, ['fromStep', 'randomization'], f);
    const fromStep = v.requiredKey(obj, 'fromStep', f, v.expectNonNegativeInteger);
    const r = v.optionalKey(
      obj,
      'randomization',
      f,
      (x, g) => randomization(x, g, dir, base),
      base,
    );
    return { fromStep, randomization: r };
  });
  if (stages[0]!.fromStep !== 0)
    at.index(0)
      .key('fromStep')
      .fail(`the first stage must start at step 0, got ${stages[0]!.fromStep}`);
  for (let i = 1; i < stages.length; i++) {
    if (!(stages[i]!.fromStep > stages[i - 1]!.fromStep))
      at.index(i)
        .key('fromStep')
        .fail(
          `fromStep must be greater than the previous stage's ${stages[i - 1]!.fromStep}, got ${stages[i]!.fromStep}`,
        );
  }
  return stages;
}

function env(raw: unknown, at: Field, dir: string) {
  const obj = v.expectMapping(raw, at);
  v.expectKeys(obj, ENV_KEYS, at);
  const o: Record<string, unknown> = {};
  const scenario = v.optionalKey(
    obj,
    'scenario',
    at,
    (r, f) => scenarioRef(r, f, dir),
    'cluster-train',
  );
  if (obj.knobs !== undefined)
    o.knobs = v
      .expectList(obj.knobs, at.key('knobs'), true)
      .map((k, i) => v.expectEnum(k, CLUSTER_KNOBS, at.key('knobs').index(i)));
  for (const key of ['maxTenants', 'episodeWindows', 'warmupWindows'])
    if (obj[key] !== undefined) o[key] = v.expectPositiveInteger(obj[key], at.key(key));
  if (obj.controlInterval !== undefined)
    o.controlInterval = v.expectPositive(obj.controlInterval, at.key('controlInterval'));
  if (obj.rejectPenalty !== undefined)
    o.rejectPenalty = v.expectNonNegative(obj.rejectPenalty, at.key('rejectPenalty'));
  return { scenario, cluster: o as TrainConfig['cluster'] };
}

function ppo(raw: unknown, at: Field, numEnvs: number): PpoConfig {
  const obj = v.expectMapping(raw ?? {}, at);
  v.expectKeys(obj, ['preset', ...Object.keys(PPO_NUMBERS), ...PPO_BOOLEANS], at);
  const preset = v.optionalKey(
    obj,
    'preset',
    at,
    (r, f) => v.expectEnum(r, Object.keys(PPO_PRESETS), f),
    undefined,
  );
  const out: Record<string, unknown> = { ...(preset ? PPO_PRESETS[preset] : CLUSTER_PPO), numEnvs };
  for (const [key, rule] of Object.entries(PPO_NUMBERS)) {
    const r = obj[key];
    if (r === undefined) continue;
    const f = at.key(key);
    if (key === 'targetKl' && r === null) out[key] = null;
    else if (rule === 'integer') out[key] = v.expectPositiveInteger(r, f);
    else if (rule === 'positive') out[key] = v.expectPositive(r, f);
    else if (rule === 'nonneg') out[key] = v.expectNonNegative(r, f);
    else {
      const x = v.expectNumber(r, f);
      if (!(x >= 0 && x <= 1)) f.fail(`${key} must be in [0, 1], got ${v.show(r)}`);
      out[key] = x;
    }
  }
  for (const key of PPO_BOOLEANS)
    if (obj[key] !== undefined) out[key] = v.expectBoolean(obj[key], at.key(key));
  const config = out as unknown as PpoConfig;
  if ((config.numEnvs * config.numSteps) % config.numMinibatches !== 0)
    at.key('numMinibatches').fail(
      `numMinibatches must divide the batch numEnvs × numSteps = ${config.numEnvs * config.numSteps}, got ${config.numMinibatches}`,
    );
  return config;
}

function evalConfig(raw: unknown, at: Field, dir: string): EvalConfig {
  const obj = v.expectMapping(raw, at);
  v.expectKeys(obj, ['every', 'scenarios'], at);
  const everySteps = v.requiredKey(obj, 'every', at, v.expectPositiveInteger);
  const list = v.requiredKey(obj, 'scenarios', at, (r, f) => v.expectList(r, f, true));
  const names = new Set<string>();
  const scenarios = list.map((s, i) => {
    const f = at.key('scenarios').index(i);
    const e = v.expectMapping(s, f);
    v.expectKeys(e, ['name', 'scenario', 'familySeed', 'seeds'], f);
    const scenario = v.requiredKey(e, 'scenario', f, (r, g) => scenarioRef(r, g, dir));
    const name = v.optionalKey(e, 'name', f, v.expectString, String(e.scenario));
    if (names.has(name))
      f.key('name').fail(`name must be unique in eval.scenarios, got ${v.show(name)} twice`);
    names.add(name);
    const seeds = v.optionalKey(
      e,
      'seeds',
      f,
      (r, g) => v.expectList(r, g, true).map((x, j) => v.expectNonNegativeInteger(x, g.index(j))),
      [1],
    );
    const familySeed = v.optionalKey(e, 'familySeed', f, v.expectNonNegativeInteger, undefined);
    return { name, scenario, seeds, ...(familySeed === undefined ? {} : { familySeed }) };
  });
  return { everySteps, scenarios };
}

/** Validates a parsed config; relative paths resolve against `dir`. */
export function validateTrainConfig(raw: unknown, file: string, dir: string): TrainConfig {
  try {
    return validate(raw ?? {}, new Field(file), file, dir);
  } catch (e) {
    // The shared field helpers throw scenario errors; this is a config file.
    if (e instanceof InvalidScenarioError && e.file === file) {
      const rule = e.message.slice(file.length + 2, e.path ? -` at ${e.path}`.length : undefined);
      throw new InvalidConfigError(file, e.path, rule);
    }
    throw e;
  }
}

function validate(raw: unknown, root: Field, file: string, dir: string): TrainConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    root.fail(`a training config must be a YAML mapping, got ${v.show(raw)}`);
  const obj = raw as Record<string, unknown>;
  v.expectKeys(obj, TOP_KEYS, root);
  const { scenario, cluster } = v.optionalKey(
    obj,
    'env',
    root,
    (r, f) => env(r, f, dir),
    env({}, root.key('env'), dir),
  );
  const base0: RandomizationConfig = { scenarios: [scenario] };
  const base = v.optionalKey(
    obj,
    'randomization',
    root,
    (r, f) => randomization(r, f, dir, base0),
    base0,
  );
  const stages = v.optionalKey(obj, 'curriculum', root, (r, f) => curriculum(r, f, dir, base), [
    { fromStep: 0, randomization: base },
  ]);
  const numEnvs = v.optionalKey(obj, 'numEnvs', root, v.expectPositiveInteger, CLUSTER_PPO.numEnvs);
  const network = v.expectMapping(obj.network ?? {}, root.key('network'));
  v.expectKeys(network, ['hidden'], root.key('network'));
  const hidden = v.optionalKey(
    network,
    'hidden',
    root.key('network'),
    v.expectPositiveInteger,
    DEFAULT_TENANT_HIDDEN,
  );
  const vec = v.expectMapping(obj.vector ?? {}, root.key('vector'));
  v.expectKeys(vec, ['mode', 'workers', 'callerSteps'], root.key('vector'));
  const mode = v.optionalKey(
    vec,
    'mode',
    root.key('vector'),
    (r, f) => v.expectEnum(r, ['sync', 'async'] as const, f),
    'sync' as const,
  );
  const workers = v.optionalKey(vec, 'workers', root.key('vector'), v.expectPositiveInteger, 2);
  if (workers > numEnvs)
    root
      .key('vector')
      .key('workers')
      .fail(`workers must be at most numEnvs = ${numEnvs}, got ${workers}`);
  const callerSteps = v.optionalKey(vec, 'callerSteps', root.key('vector'), v.expectBoolean, false);
  const backend = v.optionalKey(
    obj,
    'backend',
    root,
    (r, f) => v.expectEnum(r, BACKEND_NAMES, f),
    undefined,
  );
  return {
    source: file,
    cluster,
    stages,
    ppo: ppo(obj.ppo, root.key('ppo'), numEnvs),
    hidden,
    vector: { mode, workers, callerSteps },
    totalSteps: v.optionalKey(obj, 'totalSteps', root, v.expectPositiveInteger, 1_000_000),
    seed: v.optionalKey(obj, 'seed', root, v.expectNonNegativeInteger, 1),
    checkpointEvery: v.optionalKey(obj, 'checkpointEvery', root, v.expectNonNegativeInteger, 10),
    eval: obj.eval === undefined ? null : evalConfig(obj.eval, root.key('eval'), dir),
    ...(backend === undefined ? {} : { backend }),
  };
}

/** Parses config YAML text (`file` names it in errors). */
export function parseTrainConfig(text: string, file: string, dir: string): TrainConfig {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new InvalidConfigError(
      file,
      '',
      `not valid YAML (${(e as Error).message.split('\n')[0]})`,
    );
  }
  return validateTrainConfig(raw, file, dir);
}

/** Reads and validates a config file. */
export function loadTrainConfig(path: string): TrainConfig {
  if (!existsSync(path)) throw new InvalidConfigError(path, '', 'no such config file');
  return parseTrainConfig(readFileSync(path, 'utf8'), path, dirname(resolve(path)));
}
