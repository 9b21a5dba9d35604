/**
 * The scenario behind a ClusterEnv: read and parsed once, adjusted for the env (control
 * interval, no warmup, a duration covering one episode) and compiled once per family
 * member, so a reset only builds a fresh `Simulation` from a cached model.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import { compileModel } from '../../sim-cluster/model.js';
import type { ClusterModel } from '../../sim-cluster/model.js';
import { defaultFamilySeed, isScenarioFamily } from '../../sim-cluster/scenario/family.js';
import {
  bundledScenarioNames,
  bundledScenarioPath,
  resolveScenario,
} from '../../sim-cluster/scenario/load.js';
import { parseYaml, validateScenario } from '../../sim-cluster/scenario/parse-scenario.js';
import type { Scenario } from '../../sim-cluster/scenario/types.js';

/** Compiled family members kept (least recently used out first). */
const CACHE_SIZE = 32;

export interface ClusterScenariosOptions {
  /** Seconds per control window; default: the scenario's `controlInterval`. */
  readonly controlIntervalSeconds?: number;
  /** Windows one episode simulates (warmup windows included). */
  readonly windowsPerEpisode: number;
}

/** A scenario source read once: its members by family seed. */
export interface ParsedSource {
  readonly isFamily: boolean;
  readonly defaultFamilySeed: number;
  readonly member: (familySeed: number) => Scenario;
}

/** Reads a scenario file or bundled scenario once (YAML parsing dominates loading). */
export function parseSource(nameOrPath: string): ParsedSource {
  let path: string;
  let source: string;
  if (existsSync(nameOrPath) && statSync(nameOrPath).isFile()) {
    path = source = nameOrPath;
  } else {
    const name = nameOrPath.endsWith('.yaml') ? nameOrPath.slice(0, -'.yaml'.length) : nameOrPath;
    // resolveScenario throws the loader's error listing the bundled names.
    if (!bundledScenarioNames().includes(name)) resolveScenario(nameOrPath);
    path = bundledScenarioPath(name);
    source = name;
  }
  const raw = parseYaml(readFileSync(path, 'utf8'), source);
  const parseOptions = { baseDir: dirname(path), readText: (f: string) => readFileSync(f, 'utf8') };
  return {
    isFamily: isScenarioFamily(raw),
    defaultFamilySeed: defaultFamilySeed(raw),
    member: (familySeed) => validateScenario(raw, source, { ...parseOptions, familySeed }),
  };
}

export class ClusterScenarios {
  /** Whether the source is a scenario family (a file with family parameters). */
  readonly isFamily: boolean;
  /** The family seed of the default member (the file's `seed`, else 1). */
  readonly defaultFamilySeed: number;
  readonly controlIntervalSeconds: number;
  private readonly member: (familySeed: number) => Scenario;
  private readonly cache = new Map<number, ClusterModel>();

  constructor(
    source: string | Scenario,
    private readonly options: ClusterScenariosOptions,
  ) {
    const parsed: ParsedSource =
      typeof source === 'string'
        ? parseSource(source)
        : { isFamily: false, defaultFamilySeed: 1, member: () => source };
    this.isFamily = parsed.isFamily;
    this.defaultFamilySeed = parsed.defaultFamilySeed;
    this.member = parsed.member;
    const first = this.member(this.defaultFamilySeed);
    const interval = options.controlIntervalSeconds ?? first.controlInterval;
    if (!(interval > 0 && Number.isFinite(interval)))
      throw new InvalidArgumentError(`controlInterval must be a positive number, got ${interval}`);
    this.controlIntervalSeconds = interval;
    this.cache.set(this.defaultFamilySeed, this.compile(first));
  }

  /** The compiled model of family member `familySeed` (the only member for a plain scenario). */
  model(familySeed: number = this.defaultFamilySeed): ClusterModel {
    const seed = this.isFamily ? familySeed : this.defaultFamilySeed;
    let model = this.cache.get(seed);
    if (model !== undefined) {
      // Re-insert: Map order is the recency order.
      this.cache.delete(seed);
      this.cache.set(seed, model);
      return model;
    }
    model = this.compile(this.member(seed));
    this.cache.set(seed, model);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return model;
  }

  /** Names of the services that receive requests from the ingress (API roots), sorted. */
  entryServices(model: ClusterModel = this.model()): string[] {
    const names = model.apiRoots.map((root) => model.services[root.service]!.name);
    return [...new Set(names)].sort();
  }

  private compile(scenario: Scenario): ClusterModel {
    const interval = this.controlIntervalSeconds;
    return compileModel({
      ...scenario,
      controlInterval: interval,
      warmup: 0,
      // One spare window, so the run's end never closes an episode's last window early.
      duration: (this.options.windowsPerEpisode + 1) * interval,
    });
  }
}
