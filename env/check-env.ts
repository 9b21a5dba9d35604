/**
 * `checkEnv`, in the spirit of Gymnasium's `check_env`: runs an env through its contract
 * and throws one `EnvCheckError` listing every failing check.
 *
 * Checks: the spaces are proper spaces whose samples they contain and which survive a
 * JSON round trip; `reset` returns `{observation, info}` with the observation in the
 * observation space; the same seed gives the same reset observation and the same step
 * results for a seeded sequence of sampled actions; `step` returns a record with an
 * observation in the space, a finite reward, boolean flags and an info object; actions
 * outside the action space raise `InvalidActionError`; `close` succeeds.
 */
import { isDeepStrictEqual } from 'node:util';
import { InvalidActionError } from '../sim-cluster/errors.js';
import { RngStream } from '../sim-cluster/rng.js';
import type { Env } from './env.js';
import { EnvCheckError } from './env-check-error.js';
import { Box } from './spaces/box.js';
import { Discrete, MultiBinary, MultiDiscrete } from './spaces/discrete.js';
import { spaceFromJson } from './spaces/flatten.js';
import type { Space } from './spaces/space.js';

/** Options of `checkEnv`. */
export interface CheckEnvOptions {
  /** Seed of the resets and of the sampled actions (default 0). */
  readonly seed?: number;
  /** Steps per determinism run (default 100). */
  readonly steps?: number;
  /** Name used in the error message (default `env`). */
  readonly name?: string;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

function checkSpace(
  label: string,
  space: unknown,
  seed: number,
  failures: string[],
): space is Space<unknown> {
  const s = space as Partial<Space<unknown>> | null;
  const methods = ['sample', 'contains', 'explain', 'describe', 'toJson'] as const;
  if (!isRecord(s) || methods.some((m) => typeof s[m] !== 'function')) {
    failures.push(`${label} is not a Space (needs ${methods.join(', ')})`);
    return false;
  }
  const full = s as Space<unknown>;
  const why = full.explain(full.sample(seed));
  if (why !== undefined) failures.push(`${label} does not contain its own sample: ${why}`);
  if (spaceFromJson(full.toJson()).describe() !== full.describe())
    failures.push(`${label} does not survive a JSON round trip (${full.describe()})`);
  return true;
}

/** An action outside `space`, or undefined when the space has none we can build. */
export function invalidAction(space: Space<unknown>): unknown {
  if (space instanceof Discrete) return space.start + space.n;
  if (space instanceof Box) return space.allocate().fill(NaN);
  if (space instanceof MultiDiscrete) return Int32Array.from(space.nvec);
  if (space instanceof MultiBinary) return new Uint8Array(space.n).fill(2);
  return undefined;
}

/** One seeded run: the reset and every step result, resetting when an episode ends. */
function run(env: Env, seed: number, steps: number, failures: string[]): unknown[] {
  const trace: unknown[] = [];
  const reset = env.reset({ seed });
  if (!isRecord(reset) || !('observation' in reset) || !isRecord(reset.info)) {
    failures.push('reset() must return {observation, info} with info an object');
    return trace;
  }
  const obsWhy = env.observationSpace.explain(reset.observation);
  if (obsWhy !== undefined)
    failures.push(`reset() observation is outside the observation space: ${obsWhy}`);
  trace.push(reset.observation);
  const actions = new RngStream(seed, 'check-env/actions');
  for (let t = 0; t < steps; t++) {
    const r = env.step(env.actionSpace.sample(actions)) as unknown;
    if (!isRecord(r)) {
      failures.push(`step() must return a record, got ${String(r)}`);
      return trace;
    }
    const bad: string[] = [];
    const why = env.observationSpace.explain(r.observation);
    if (why !== undefined) bad.push(`observation outside the observation space: ${why}`);
    if (typeof r.reward !== 'number' || !Number.isFinite(r.reward))
      bad.push(`reward must be a finite number, got ${String(r.reward)}`);
    if (typeof r.terminated !== 'boolean')
      bad.push(`terminated must be a boolean, got ${String(r.terminated)}`);
    if (typeof r.truncated !== 'boolean')
      bad.push(`truncated must be a boolean, got ${String(r.truncated)}`);
    if (!isRecord(r.info)) bad.push('info must be an object');
    if ('done' in r) bad.push('step() must not return done (use terminated and truncated)');
    if (bad.length > 0) {
      failures.push(...bad.map((b) => `step ${t + 1}: ${b}`));
      return trace;
    }
    trace.push(r.observation, r.reward, r.terminated, r.truncated);
    if (r.terminated === true || r.truncated === true) trace.push(env.reset().observation);
  }
  return trace;
}

function checkInvalidAction(env: Env, seed: number, failures: string[]): void {
  const bad = invalidAction(env.actionSpace);
  if (bad === undefined) return;
  env.reset({ seed });
  try {
    env.step(bad);
    failures.push(
      `step() accepted the invalid action ${String(bad)} for ${env.actionSpace.describe()}`,
    );
  } catch (e) {
    if (!(e instanceof InvalidActionError))
      failures.push(
        `step() with an invalid action must throw InvalidActionError, threw ${String(e)}`,
      );
  }
}

/**
 * Checks `env` (or envs built by `factory`) against the `Env` contract; throws an
 * `EnvCheckError` listing every failing check. With a factory, determinism compares two
 * fresh envs; with a single env, it compares two seeded runs of the same env, which
 * stateful wrappers (running normalisation statistics) fail by design — pass a factory.
 */
export function checkEnv(envOrFactory: Env | (() => Env), options: CheckEnvOptions = {}): void {
  const seed = options.seed ?? 0;
  const steps = options.steps ?? 100;
  const fresh = typeof envOrFactory === 'function' ? envOrFactory : (): Env => envOrFactory;
  const failures: string[] = [];
  const env = fresh();
  const spacesOk =
    checkSpace('observationSpace', env.observationSpace, seed, failures) &&
    checkSpace('actionSpace', env.actionSpace, seed, failures);
  if (!isRecord(env.metadata)) failures.push('metadata must be an object');
  if (!spacesOk) throw new EnvCheckError(options.name ?? 'env', failures);
  try {
    const first = run(env, seed, steps, failures);
    const again = fresh();
    const second = run(again, seed, steps, []);
    const hint = typeof envOrFactory === 'function' ? '' : ' (a stateful wrapper? pass a factory)';
    if (failures.length === 0 && !isDeepStrictEqual(first[0], second[0]))
      failures.push(`reset({seed: ${seed}}) twice gives different observations${hint}`);
    else if (failures.length === 0 && !isDeepStrictEqual(first, second))
      failures.push(`the same seed and actions give different step results${hint}`);
    checkInvalidAction(env, seed, failures);
    env.close();
    if (again !== env) again.close();
  } catch (e) {
    failures.push(`threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  if (failures.length > 0) throw new EnvCheckError(options.name ?? 'env', failures);
}
