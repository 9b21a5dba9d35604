/**
 * The one place eval turns a policy name into a `Policy`: heuristics by their registry
 * name, `learned:PATH` through the learned-policy adapter. Eval never branches on the
 * kind of policy anywhere else.
 */
import { UsageError } from '../sim-cluster/errors.js';
import { createPolicy, policyNames, policyRng, type Policy } from '../policies/index.js';

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
export function checkPolicyNames(names: readonly string[]): void {
  for (const name of names) resolvePolicy(name, 0);
}

/**
 * A fresh policy for a run of `seed`; its randomness (if any) comes from the run's
 * `policy` stream.
 */
export function resolvePolicy(name: string, seed: number): Policy {
  if (name.startsWith(LEARNED_PREFIX)) return loadLearnedPolicy(name.slice(LEARNED_PREFIX.length));
  return createPolicy(name, undefined, { rng: policyRng(seed) });
}

/**
 * The learned policy in the bundle at `path`. The adapter (a bundle's network behind
 * the env's codecs, as a `Policy`) belongs to policies/ and agents/; until it lands this
 * fails with a clear message rather than running something else.
 */
export function loadLearnedPolicy(path: string): Policy {
  throw new UsageError(
    `cannot run learned policy '${path}': the learned-policy adapter (bundle → Policy) is not available in this build yet`,
  );
}
