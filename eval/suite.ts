/**
 * Evaluation suites: named lists of scenarios, in YAML, validated on load with errors
 * that name the file, the field (`scenarios[2].duration`) and the rule broken.
 *
 * ```yaml
 * name: standard
 * description: one line
 * seeds: 5                     # default for --seeds
 * scenarios:
 *   - name: flash-crowd        # unique within the suite
 *     scenario: flash-crowd    # a bundled scenario, or a path relative to this file
 *     covers: flash crowd      # what the scenario stands for (reports)
 *     duration: 130            # optional: measured seconds
 *     warmup: 10               # optional: warmup seconds
 *     familySeed: 3            # optional: member of a scenario family
 * ```
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { InvalidConfigError } from '../sim-cluster/errors.js';

export interface SuiteEntry {
  readonly name: string;
  /** A bundled scenario name, or an absolute path to a scenario file. */
  readonly scenario: string;
  readonly covers: string;
  readonly durationSeconds?: number;
  readonly warmupSeconds?: number;
  readonly familySeed?: number;
}

export interface Suite {
  readonly name: string;
  readonly description: string;
  readonly seeds?: number;
  readonly scenarios: readonly SuiteEntry[];
}

/** Folder of the bundled suites (from `dist/eval/` or from `eval/`). */
const BUNDLED_DIR = fileURLToPath(new URL('../../eval/suites/', import.meta.url));

/** Names of the bundled suites, sorted. */
export function bundledSuiteNames(): string[] {
  return readdirSync(BUNDLED_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

const ENTRY_KEYS = ['name', 'scenario', 'covers', 'duration', 'warmup', 'familySeed'];
const SUITE_KEYS = ['name', 'description', 'seeds', 'scenarios'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(file: string, path: string, value: Record<string, unknown>, keys: string[]) {
  for (const k of Object.keys(value)) {
    if (!keys.includes(k)) {
      throw new InvalidConfigError(
        file,
        path ? `${path}.${k}` : k,
        `unknown field '${k}' (known: ${keys.join(', ')})`,
      );
    }
  }
}

function requireString(file: string, path: string, v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') {
    throw new InvalidConfigError(
      file,
      path,
      `must be a non-empty string, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function optionalNumber(
  file: string,
  path: string,
  v: unknown,
  rule: 'positive' | 'non-negative' | 'non-negative integer' | 'positive integer',
): number | undefined {
  if (v === undefined) return undefined;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (rule.startsWith('positive') ? v > 0 : v >= 0) &&
    (!rule.endsWith('integer') || Number.isInteger(v));
  if (!ok)
    throw new InvalidConfigError(file, path, `must be a ${rule} number, got ${JSON.stringify(v)}`);
  return v as number;
}

function parseEntry(file: string, path: string, raw: unknown, dir: string): SuiteEntry {
  if (!isRecord(raw)) throw new InvalidConfigError(file, path, 'must be a mapping');
  checkKeys(file, path, raw, ENTRY_KEYS);
  const name = requireString(file, `${path}.name`, raw.name);
  const scenario = requireString(file, `${path}.scenario`, raw.scenario);
  const isPath = scenario.includes('/') || scenario.endsWith('.yaml');
  const covers =
    raw.covers === undefined ? name : requireString(file, `${path}.covers`, raw.covers);
  const duration = optionalNumber(file, `${path}.duration`, raw.duration, 'positive');
  const warmup = optionalNumber(file, `${path}.warmup`, raw.warmup, 'non-negative');
  const familySeed = optionalNumber(
    file,
    `${path}.familySeed`,
    raw.familySeed,
    'non-negative integer',
  );
  const resolved = isPath && !isAbsolute(scenario) ? resolve(dir, scenario) : scenario;
  if (isPath && !existsSync(resolved)) {
    throw new InvalidConfigError(file, `${path}.scenario`, `no scenario file at ${resolved}`);
  }
  return {
    name,
    scenario: resolved,
    covers,
    ...(duration !== undefined ? { durationSeconds: duration } : {}),
    ...(warmup !== undefined ? { warmupSeconds: warmup } : {}),
    ...(familySeed !== undefined ? { familySeed } : {}),
  };
}

/** Validates a parsed suite; relative scenario paths resolve against `dir`. */
export function validateSuite(raw: unknown, file: string, dir: string): Suite {
  if (!isRecord(raw)) throw new InvalidConfigError(file, '', 'a suite must be a YAML mapping');
  checkKeys(file, '', raw, SUITE_KEYS);
  const name = requireString(file, 'name', raw.name);
  const description =
    raw.description === undefined ? '' : requireString(file, 'description', raw.description);
  const seeds = optionalNumber(file, 'seeds', raw.seeds, 'positive integer');
  if (!Array.isArray(raw.scenarios) || raw.scenarios.length === 0) {
    throw new InvalidConfigError(file, 'scenarios', 'must be a non-empty list of scenarios');
  }
  const scenarios = raw.scenarios.map((e, i) => parseEntry(file, `scenarios[${i}]`, e, dir));
  const seen = new Set<string>();
  scenarios.forEach((e, i) => {
    if (seen.has(e.name)) {
      throw new InvalidConfigError(file, `scenarios[${i}].name`, `duplicate name '${e.name}'`);
    }
    seen.add(e.name);
  });
  return { name, description, ...(seeds !== undefined ? { seeds } : {}), scenarios };
}

/** Parses suite YAML text (`file` names it in errors). */
export function parseSuite(text: string, file: string, dir: string): Suite {
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
  return validateSuite(raw, file, dir);
}

/** A suite from a file path, else the bundled suite of that name. */
export function loadSuite(nameOrPath: string): Suite {
  if (existsSync(nameOrPath)) {
    return parseSuite(readFileSync(nameOrPath, 'utf8'), nameOrPath, dirname(resolve(nameOrPath)));
  }
  const names = bundledSuiteNames();
  if (!names.includes(nameOrPath)) {
    throw new InvalidConfigError(
      nameOrPath,
      '',
      `no suite file or bundled suite of that name (bundled: ${names.join(', ')})`,
    );
  }
  const path = join(BUNDLED_DIR, `${nameOrPath}.yaml`);
  return parseSuite(readFileSync(path, 'utf8'), path, BUNDLED_DIR);
}
