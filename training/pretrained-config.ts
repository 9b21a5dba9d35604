/**
 * The config of the pretrained policy's training run (training/configs/pretrained.yaml,
 * run by `npm run train:pretrained`): the residual training settings of
 * `ResidualTrainConfig`, plus where the run directory and the bundle go. Every field is
 * checked; errors name the file and the field.
 */
import { parse as parseYaml } from 'yaml';
import { CLEANRL_PPO_CONTINUOUS } from '../agents/ppo-config.js';
import { residualShieldProblem, type ResidualShield } from '../env/index.js';
import { basePolicySpecs, createComposedPolicy } from '../policies/compose.js';
import { InvalidConfigError } from '../sim-cluster/errors.js';
import type { EvalScenario } from './config.js';
import { parseImitation } from './imitation.js';
import { RESIDUAL_TRAIN_DEFAULTS, type ResidualTrainConfig } from './residual-run.js';

export const DEFAULT_PRETRAINED_CONFIG = 'training/configs/pretrained.yaml';

export interface PretrainedConfig extends ResidualTrainConfig {
  /** Run directory: metrics.jsonl and curve.csv. */
  readonly out: string;
  /** Where the policy bundle goes. */
  readonly bundle: string;
}

const kindOf = (v: unknown) => (Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v);

/** Parses and validates a pretrained-policy config; errors name the file and field. */
export function parsePretrainedConfig(text: string, file: string): PretrainedConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new InvalidConfigError(file, '', `not valid YAML (${(error as Error).message})`);
  }
  if (kindOf(raw) !== 'object')
    throw new InvalidConfigError(file, '', `must be a mapping, got a ${kindOf(raw)}`);
  const defaults: Record<string, unknown> = {
    ...RESIDUAL_TRAIN_DEFAULTS,
    out: 'runs/pretrained',
    bundle: 'pretrained/governor-pretrained',
    rateLoosening: undefined, // optional: defaults to rateCorrection
    rateShield: undefined, // optional: unshielded loosening
    imitation: undefined, // optional: no imitation warm start
  };
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!(key in defaults))
      throw new InvalidConfigError(
        file,
        key,
        `unknown field (known: ${Object.keys(defaults).join(', ')})`,
      );
    if (key === 'base') {
      out.base = basePolicySpecs(value as never, file);
      createComposedPolicy(out.base as never, {}, file); // unknown names and bad configs fail here
    } else if (key === 'ppo') out.ppo = ppoOverrides(value, file);
    else if (key === 'validation') out.validation = validationScenarios(value, file);
    else if (key === 'rateLoosening') {
      if (!(typeof value === 'number' && value >= 1 && Number.isFinite(value)))
        throw new InvalidConfigError(
          file,
          key,
          `must be a finite number >= 1, got ${JSON.stringify(value)}`,
        );
      out[key] = value;
    } else if (key === 'rateShield') out[key] = rateShield(value, file);
    else if (key === 'imitation') out[key] = parseImitation(value, file);
    else {
      const expected = kindOf(defaults[key]);
      if (kindOf(value) !== expected)
        throw new InvalidConfigError(
          file,
          key,
          `must be a ${expected}, got ${JSON.stringify(value)}`,
        );
      out[key] = value;
    }
  }
  const c = out as unknown as PretrainedConfig;
  for (const key of [
    'episodeWindows',
    'warmupWindows',
    'maxTenants',
    'totalSteps',
    'hidden',
  ] as const)
    if (!(Number.isSafeInteger(c[key]) && c[key] > 0))
      throw new InvalidConfigError(file, key, `must be a positive integer, got ${c[key]}`);
  for (const key of ['rateCorrection', 'weightCorrection'] as const)
    if (!(c[key] > 1 && Number.isFinite(c[key])))
      throw new InvalidConfigError(file, key, `must be a finite number > 1, got ${c[key]}`);
  if (!(Number.isSafeInteger(c.validationEvery) && c.validationEvery >= 0))
    throw new InvalidConfigError(
      file,
      'validationEvery',
      `must be a non-negative integer, got ${c.validationEvery}`,
    );
  if (!(Number.isSafeInteger(c.seed) && c.seed >= 0))
    throw new InvalidConfigError(file, 'seed', `must be a non-negative integer, got ${c.seed}`);
  return c;
}

/**
 * `rateShield`: `{utilization: (0, 1], demandCap: >= 1, transfer?: asked | shortfall,
 * floor?: entitlement}`.
 */
function rateShield(value: unknown, file: string): ResidualShield {
  if (kindOf(value) !== 'object')
    throw new InvalidConfigError(file, 'rateShield', `must be a mapping, got a ${kindOf(value)}`);
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v))
    if (!['utilization', 'demandCap', 'transfer', 'floor'].includes(key))
      throw new InvalidConfigError(
        file,
        `rateShield.${key}`,
        'unknown field (known: utilization, demandCap, transfer, floor)',
      );
  const shield = {
    utilization: v.utilization,
    demandCap: v.demandCap ?? 1,
    ...(v.transfer === undefined ? {} : { transfer: v.transfer }),
    ...(v.floor === undefined ? {} : { floor: v.floor }),
  };
  const problem = residualShieldProblem(shield);
  if (problem !== null)
    throw new InvalidConfigError(file, `rateShield.${problem.field}`, problem.message);
  return shield as ResidualShield;
}

/** `validation`: a list of `{name?, scenario, familySeed?, seeds?}` (names unique). */
function validationScenarios(value: unknown, file: string): EvalScenario[] {
  if (kindOf(value) !== 'list')
    throw new InvalidConfigError(file, 'validation', `must be a list, got a ${kindOf(value)}`);
  const names = new Set<string>();
  return (value as unknown[]).map((entry, i) => {
    const at = `validation[${i}]`;
    if (kindOf(entry) !== 'object')
      throw new InvalidConfigError(file, at, `must be a mapping, got a ${kindOf(entry)}`);
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e))
      if (!['name', 'scenario', 'familySeed', 'seeds'].includes(key))
        throw new InvalidConfigError(
          file,
          `${at}.${key}`,
          'unknown field (known: name, scenario, familySeed, seeds)',
        );
    if (typeof e.scenario !== 'string' || e.scenario === '')
      throw new InvalidConfigError(
        file,
        `${at}.scenario`,
        `must be a scenario name or file, got ${JSON.stringify(e.scenario)}`,
      );
    const nonNegative = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
    if (e.familySeed !== undefined && !nonNegative(e.familySeed))
      throw new InvalidConfigError(
        file,
        `${at}.familySeed`,
        `must be a non-negative integer, got ${JSON.stringify(e.familySeed)}`,
      );
    const seeds = e.seeds ?? [1];
    if (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every(nonNegative))
      throw new InvalidConfigError(
        file,
        `${at}.seeds`,
        `must be a non-empty list of non-negative integers, got ${JSON.stringify(seeds)}`,
      );
    const name =
      e.name ?? `${e.scenario}${e.familySeed === undefined ? '' : `#${String(e.familySeed)}`}`;
    if (typeof name !== 'string' || names.has(name))
      throw new InvalidConfigError(
        file,
        `${at}.name`,
        `must be a unique string, got ${JSON.stringify(name)}`,
      );
    names.add(name);
    return {
      name,
      scenario: e.scenario,
      seeds: seeds as number[],
      ...(e.familySeed === undefined ? {} : { familySeed: e.familySeed as number }),
    };
  });
}

function ppoOverrides(value: unknown, file: string): Record<string, unknown> {
  if (kindOf(value) !== 'object')
    throw new InvalidConfigError(file, 'ppo', `must be a mapping, got a ${kindOf(value)}`);
  const defaults = CLEANRL_PPO_CONTINUOUS as unknown as Record<string, unknown>;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(key in defaults))
      throw new InvalidConfigError(
        file,
        `ppo.${key}`,
        `unknown PPO setting (known: ${Object.keys(defaults).join(', ')})`,
      );
    const expected = defaults[key] === null ? 'number' : kindOf(defaults[key]);
    if (kindOf(v) !== expected && !(key === 'targetKl' && v === null))
      throw new InvalidConfigError(
        file,
        `ppo.${key}`,
        `must be a ${expected}, got ${JSON.stringify(v)}`,
      );
  }
  return value as Record<string, unknown>;
}
