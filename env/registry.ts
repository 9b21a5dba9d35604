/**
 * The environment registry (Gymnasium's `register` / `make` / `spec`).
 *
 * Envs are registered under an id with a factory. Because functions cannot cross
 * threads, a spec also names the `module` (an importable URL, usually the registering
 * module's `import.meta.url`) whose import registers the id, or an `entryPoint`
 * (`{module, exportName}`) whose export is the factory: `AsyncVectorEnv` workers import
 * it and then `make` the env themselves.
 */
import { InvalidArgumentError } from '../sim-cluster/errors.js';
import type { Env } from './env.js';
import { OrderEnforcing } from './wrappers/order-enforcing.js';
import { TimeLimit } from './wrappers/time-limit.js';

/** Builds a fresh env from its (structured-clonable) options. */
export type EnvFactory = (options: Readonly<Record<string, unknown>>) => Env;

/** A factory to import lazily: `(await import(module))[exportName]`. */
export interface EntryPoint {
  /** An importable URL or bare specifier. */
  readonly module: string;
  /** The export holding an `EnvFactory`, or an env class whose constructor takes the options. */
  readonly exportName: string;
}

/** What `register` takes. Either `factory` or `entryPoint` is required. */
export interface EnvSpecInput {
  readonly factory?: EnvFactory;
  readonly entryPoint?: EntryPoint;
  /** An importable URL whose import registers this id (for worker threads). */
  readonly module?: string;
  /** Episode length after which `make` truncates (TimeLimit); none when unset. */
  readonly maxEpisodeSteps?: number;
  /** Default options passed to the factory; `make`'s options are merged over them. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** The return at which the task counts as solved (informational). */
  readonly rewardThreshold?: number;
}

/** A registered env. */
export interface EnvSpec extends EnvSpecInput {
  readonly id: string;
}

/** What `make` takes besides the id. */
export interface MakeOptions {
  /** Options for the factory, merged over the spec's defaults; must be structured-clonable. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Overrides the spec's episode limit; `null` removes it. */
  readonly maxEpisodeSteps?: number | null;
  /** Skips the order-enforcing and passive checking wrapper (default false). */
  readonly disableEnvChecker?: boolean;
}

const specs = new Map<string, EnvSpec>();

/** Registers `id`. Throws `InvalidArgumentError` when the id is taken or the spec incomplete. */
export function register(id: string, input: EnvSpecInput): void {
  if (specs.has(id)) throw new InvalidArgumentError(`env id ${id} is already registered`);
  if (input.factory === undefined && input.entryPoint === undefined)
    throw new InvalidArgumentError(`env ${id} needs a factory or an entryPoint`);
  specs.set(id, { id, ...input });
}

/** Removes `id` from the registry (for tests); returns whether it was registered. */
export function unregister(id: string): boolean {
  return specs.delete(id);
}

/** The spec registered under `id`; throws `InvalidArgumentError` listing known ids otherwise. */
export function spec(id: string): EnvSpec {
  const s = specs.get(id);
  if (s === undefined)
    throw new InvalidArgumentError(
      `no env registered as ${id}; registered: ${[...specs.keys()].join(', ') || 'none'}`,
    );
  return s;
}

/** Whether `id` is registered. */
export function isRegistered(id: string): boolean {
  return specs.has(id);
}

/** Every registered id, sorted. */
export function registeredIds(): string[] {
  return [...specs.keys()].sort();
}

/** Resolves a lazily imported `entryPoint` into a factory, so `make(id)` works synchronously. */
export async function loadEntryPoint(id: string): Promise<void> {
  const s = spec(id);
  if (s.factory !== undefined || s.entryPoint === undefined) return;
  const mod = (await import(s.entryPoint.module)) as Record<string, unknown>;
  const factory = mod[s.entryPoint.exportName];
  if (typeof factory !== 'function')
    throw new InvalidArgumentError(
      `env ${id}: ${s.entryPoint.module} has no function export ${s.entryPoint.exportName}`,
    );
  // A class export is constructed with `new`; a function export is called.
  const isClass = /^class[\s{]/.test(Function.prototype.toString.call(factory));
  const make = factory as (options: Readonly<Record<string, unknown>>) => Env;
  const Ctor = factory as new (options: Readonly<Record<string, unknown>>) => Env;
  specs.set(id, { ...s, factory: isClass ? (o) => new Ctor(o) : make });
}

/**
 * A new env for `id`: the factory's env, wrapped in `TimeLimit` when the spec (or
 * `options.maxEpisodeSteps`) sets a limit, and outermost in `OrderEnforcing` (step before
 * reset or after an episode ended → `ResetNeededError`; bad actions → `InvalidActionError`).
 */
export function make<Obs = unknown, Act = unknown>(
  id: string,
  options: MakeOptions = {},
): Env<Obs, Act> {
  const s = spec(id);
  if (s.factory === undefined)
    throw new InvalidArgumentError(
      `env ${id} has a lazy entryPoint: await loadEntryPoint('${id}') before make()`,
    );
  let env: Env = s.factory({ ...s.options, ...options.options });
  const limit = options.maxEpisodeSteps === undefined ? s.maxEpisodeSteps : options.maxEpisodeSteps;
  if (limit !== undefined && limit !== null) env = new TimeLimit(env, limit);
  if (options.disableEnvChecker !== true) env = new OrderEnforcing(env, id);
  return env as Env<Obs, Act>;
}
