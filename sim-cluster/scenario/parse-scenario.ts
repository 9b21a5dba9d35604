/**
 * Scenario text → validated, normalised `Scenario` (DESIGN.md, "Scenario format").
 * Pure: no file access of its own (load.ts passes a reader for trace files). Every error is an `InvalidScenarioError` naming
 * the source, the dotted field path and the rule with the actual value.
 */
import { parseDocument } from 'yaml';
import { validateDistributionSpec } from '../distributions.js';
import { InvalidScenarioError } from '../errors.js';
import { parseApis } from './call-tree.js';
import { parseServices } from './services.js';
import { parseTenants } from './tenants.js';
import type { ParseOptions } from './context.js';
import { defaultFamilySeed, sampleScenarioFamily } from './family.js';
import { parseFaults } from './faults.js';
import type { NetworkSpec, Scenario } from './types.js';
import {
  Field,
  expectKeys,
  expectMapping,
  expectNonNegative,
  expectNonNegativeInteger,
  expectPositive,
  expectString,
  optionalKey,
  requiredKey,
} from './field.js';

const TOP_LEVEL_KEYS = [
  'name',
  'duration',
  'warmup',
  'seed',
  'controlInterval',
  'network',
  'services',
  'apis',
  'tenants',
  'faults',
] as const;

/** Aliases a document may expand before it is treated as a resource-exhaustion attack. */
const MAX_ALIAS_COUNT = 1000;

/**
 * Parses YAML `text` and validates it. `source` names where it came from (a path, a
 * bundled name or `<inline>`) in errors and in `Scenario.source`.
 */
export function parseScenario(text: string, source: string, options: ParseOptions = {}): Scenario {
  return validateScenario(parseYaml(text, source), source, options);
}

/** YAML text → plain JS value; syntax errors report their line and column. */
export function parseYaml(text: string, source: string): unknown {
  const doc = parseDocument(text);
  const error = doc.errors[0];
  if (error !== undefined) {
    const position = error.linePos?.[0];
    const where = position ? ` at line ${position.line}, column ${position.col}` : '';
    const message = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
    throw new InvalidScenarioError(source, '', `YAML syntax error${where}: ${message}`);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    throw new InvalidScenarioError(source, '', `YAML cannot be expanded: ${(e as Error).message}`);
  }
}

/**
 * Validates an already-parsed scenario object and fills every default. A scenario family
 * is first sampled into one member with `options.familySeed` (family.ts).
 */
export function validateScenario(
  raw: unknown,
  source: string,
  options: ParseOptions = {},
): Scenario {
  const root = new Field(source);
  const familySeed = options.familySeed ?? defaultFamilySeed(raw);
  const obj = expectMapping(sampleScenarioFamily(raw, familySeed, source), root);
  expectKeys(obj, TOP_LEVEL_KEYS, root);
  const optional = <T>(key: string, parse: (v: unknown, f: Field) => T, fallback: T): T =>
    optionalKey(obj, key, root, parse, fallback);
  const name = requiredKey(obj, 'name', root, expectString);
  const duration = requiredKey(obj, 'duration', root, expectPositive);
  const warmup = optional('warmup', expectNonNegative, 0);
  const seed = optional('seed', expectNonNegativeInteger, 1);
  const controlInterval = optional('controlInterval', expectPositive, 1);
  const network = optional('network', parseNetwork, {});
  const services = requiredKey(obj, 'services', root, parseServices);
  const serviceNames = new Set(services.map((s) => s.name));
  const apis = requiredKey(obj, 'apis', root, (v, f) => parseApis(v, f, serviceNames));
  const apiNames = new Set(apis.map((a) => a.name));
  const tenants = requiredKey(obj, 'tenants', root, (v, f) =>
    parseTenants(v, f, apiNames, options),
  );
  const faults = optional('faults', (v, f) => parseFaults(v, f, services), []);
  return {
    name,
    duration,
    warmup,
    seed,
    controlInterval,
    network,
    services,
    apis,
    tenants,
    faults,
    source,
  };
}

function parseNetwork(raw: unknown, at: Field): NetworkSpec {
  const obj = expectMapping(raw, at);
  expectKeys(obj, ['latency'], at);
  if (obj['latency'] === undefined) return {};
  return { latency: validateDistributionSpec(obj['latency'], at.file, at.key('latency').path) };
}
