/**
 * The one place eval turns a policy name into a `Policy`: heuristics by their registry
 * name, `learned:PATH` through the learned-policy adapter. Eval never branches on the
 * kind of policy anywhere else.
 */
import { existsSync } from 'node:fs';
import { UsageError } from '../sim-cluster/errors.js';
import {
  createPolicy,
  policyNames,
  policyRng,
  type Policy,
  type PolicyContext,
} from '../policies/index.js';

/** Prefix of a policy bundle's name on the command line. */
export const LEARNED_PREFIX = 'learned:';

/**
 * Expands a comma-separated policy list; `all` stands for every registered heuristic.
 * Duplicates are dropped, order is kept.
 */
export function expandPolicyList(list: string): string[] {
  const out: string[] = [];
  for (const raw of list.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    for (const n of name === 'all' ? policyNames() : [name]) if (!out.includes(n)) out.push(n);
  }
  if (out.length === 0) throw new UsageError(`--policies must name at least one policy`);
  return out;
}

/**
 * Checks every name before any run starts: unknown heuristics and unloadable bundles
 * fail here with one clear line.
 */
export async function checkPolicyNames(names: readonly string[]): Promise<void> {
  await prepareLearnedPolicies(names);
  for (const name of names) resolvePolicy(name, 0);
}

/**
 * A fresh policy for a run of `seed`; its randomness (if any) comes from the run's
 * `policy` stream.
 */
export function resolvePolicy(name: string, seed: number): Policy {
  if (name.startsWith(LEARNED_PREFIX)) {
    return loadLearnedPolicy(name.slice(LEARNED_PREFIX.length), seed);
  }
  return createPolicy(name, undefined, { rng: policyRng(seed) });
}

/** The adapter's contract: a bundle directory → a `Policy` (see `loadLearnedPolicy`). */
export type LearnedPolicyLoader = (path: string, context: PolicyContext) => Policy;

/** The adapter once looked up: a loader, null for none, undefined before the look-up. */
let adapter: LearnedPolicyLoader | null | undefined;

/**
 * Looks up the learned-policy adapter if any of `names` needs it: `loadLearnedPolicy`
 * exported by `agents/` (the lowest folder that sees both the bundle's network and the
 * env's codecs; policies/ may import neither). agents/ loads TF.js, so it is imported
 * only when a learned policy is asked for. Call before `resolvePolicy` in each thread.
 */
export async function prepareLearnedPolicies(names: readonly string[]): Promise<void> {
  if (adapter !== undefined || !names.some((n) => n.startsWith(LEARNED_PREFIX))) return;
  const agents = (await import('../agents/index.js')) as Record<string, unknown>;
  const loader = agents['loadLearnedPolicy'];
  adapter = typeof loader === 'function' ? (loader as LearnedPolicyLoader) : null;
}

/**
 * The learned policy in the bundle at `path`, through the adapter (a bundle's network
 * behind the env's codecs, as a `Policy`). Fails with one clear line, rather than
 * running something else, when the build has no adapter or the bundle is missing.
 */
export function loadLearnedPolicy(path: string, seed: number): Policy {
  const loader = adapter;
  if (loader === undefined) {
    throw new Error('prepareLearnedPolicies must run before a learned policy is resolved');
  }
  if (loader === null) {
    throw new UsageError(
      `cannot run learned policy '${path}': the learned-policy adapter (loadLearnedPolicy(path, context) exported by agents/) is not available in this build yet`,
    );
  }
  if (!existsSync(path)) {
    throw new UsageError(`cannot run learned policy '${path}': no policy bundle at that path`);
  }
  return loader(path, { rng: policyRng(seed) });
}
