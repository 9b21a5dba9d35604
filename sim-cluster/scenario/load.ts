/**
 * Loading scenarios from files and from the bundled set in `sim-cluster/scenarios/`.
 * This is the scenario loader's only file-system edge; parsing and validation are pure
 * (parse-scenario.ts).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { InvalidScenarioError } from '../errors.js';
import { parseScenario } from './parse-scenario.js';
import type { Scenario } from './types.js';

export { parseScenario, validateScenario } from './parse-scenario.js';

/** The bundled scenarios folder: from dist/sim-cluster/scenario/ up to the package root. */
const BUNDLED_DIR = fileURLToPath(new URL('../../../sim-cluster/scenarios/', import.meta.url));

/** Reads and validates the scenario file at `path`; errors name `path` as the file. */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new InvalidScenarioError(path, '', `cannot read the scenario file (${code})`);
  }
  return parseScenario(text, path);
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
export function resolveScenario(nameOrPath: string): Scenario {
  if (existsSync(nameOrPath) && statSync(nameOrPath).isFile()) {
    return loadScenarioFile(nameOrPath);
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
  return parseScenario(readFileSync(bundledScenarioPath(name), 'utf8'), name);
}
