/**
 * Loading scenarios from files and from the bundled set in `sim-cluster/scenarios/`.
 * This is the scenario loader's only file-system edge; parsing and validation are pure
 * (parse-scenario.ts).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { InvalidScenarioError } from '../errors.js';
import { parseScenario } from './parse-scenario.js';
import type { ParseOptions } from './context.js';
import type { Scenario } from './types.js';

export { parseScenario, validateScenario } from './parse-scenario.js';
export type { ParseOptions } from './context.js';
export { isScenarioFamily, sampleScenarioFamily } from './family.js';
export { scenarioToYaml } from './to-yaml.js';

/** Options of the file loaders. */
export interface LoadOptions {
  /** Seed sampling a scenario family (default: the file's `seed`, else 1). */
  readonly familySeed?: number;
}

/** Parse options for a scenario read from `path`: traces resolve next to it. */
function fileOptions(path: string, options: LoadOptions): ParseOptions {
  return {
    ...options,
    baseDir: dirname(path),
    readText: (file) => readFileSync(file, 'utf8'),
  };
}

/** The bundled scenarios folder: from dist/sim-cluster/scenario/ up to the package root. */
const BUNDLED_DIR = fileURLToPath(new URL('../../../sim-cluster/scenarios/', import.meta.url));

/**
 * Reads and validates the scenario file at `path` (a family is sampled with
 * `options.familySeed`); errors name `path` as the file.
 */
export function loadScenarioFile(path: string, options: LoadOptions = {}): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new InvalidScenarioError(path, '', `cannot read the scenario file (${code})`);
  }
  return parseScenario(text, path, fileOptions(path, options));
}

/** Names of the bundled scenarios (file names without `.yaml`), sorted. */
export function bundledScenarioNames(): string[] {
  return readdirSync(BUNDLED_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** Path of the bundled scenario `name`'s file. */
export function bundledScenarioPath(name: string): string {
  return join(BUNDLED_DIR, `${name}.yaml`);
}

/**
 * A scenario from a path to an existing file, else from the bundled scenario of that name
 * (whose `source` is then the name). Fails listing the bundled names when neither exists.
 */
export function resolveScenario(nameOrPath: string, options: LoadOptions = {}): Scenario {
  if (existsSync(nameOrPath) && statSync(nameOrPath).isFile()) {
    return loadScenarioFile(nameOrPath, options);
  }
  const names = bundledScenarioNames();
  const name = nameOrPath.endsWith('.yaml') ? nameOrPath.slice(0, -'.yaml'.length) : nameOrPath;
  if (!names.includes(name)) {
    throw new InvalidScenarioError(
      nameOrPath,
      '',
      `no scenario file or bundled scenario named "${nameOrPath}" (bundled: ${names.join(', ')})`,
    );
  }
  const path = bundledScenarioPath(name);
  return parseScenario(readFileSync(path, 'utf8'), name, fileOptions(path, options));
}
