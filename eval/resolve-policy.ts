/**
 * The one place eval turns a policy name into a `Policy`: heuristics by their registry
 * name, `learned:PATH` through the learned-policy adapter, `base:PATH` — a residual
 * bundle's base composition alone, the ablation its learned corrections are measured
 * against — and `rule:PATH`, that base corrected by the hand-written guarantee-share
 * rule (agents/guarantee-share.ts) the bundle's policy may have been imitation-started
 * from. Eval never branches on the kind of policy anywhere else.
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

/** Prefix of a residual bundle's base composition alone (its zero correction). */
export const BASE_PREFIX = 'base:';

/** Prefix of a residual bundle's base corrected by the guarantee-share rule. */
export const RULE_PREFIX = 'rule:';

/** Whether `name` names a bundle (learned, its base, or its rule) rather than a heuristic. */
export function namesBundle(name: string): boolean {
  return (
    name.startsWith(LEARNED_PREFIX) || name.startsWith(BASE_PREFIX) || name.startsWith(RULE_PREFIX)
  );
}

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
  if (name.startsWith(BASE_PREFIX)) return loadBasePolicy(name.slice(BASE_PREFIX.length), seed);
  if (name.startsWith(RULE_PREFIX))
    return loadBundlePolicy('rule', name.slice(RULE_PREFIX.length), seed);
  return createPolicy(name, undefined, { rng: policyRng(seed) });
}

/** The adapter's contract: a bundle directory → a `Policy` (see `loadLearnedPolicy`). */
export type LearnedPolicyLoader = (path: string, context: PolicyContext) => Policy;

/** The adapter's loaders: the learned policy, a residual bundle's base alone, and its rule. */
interface Adapter {
  readonly learned: LearnedPolicyLoader;
  readonly base: LearnedPolicyLoader;
  readonly rule: LearnedPolicyLoader;
}

/** The adapter once looked up: loaders, null for none, undefined before the look-up. */
let adapter: Adapter | null | undefined;

/**
 * Looks up the learned-policy adapter if any of `names` needs it: `loadLearnedPolicy` and
 * `loadBasePolicy` exported by `agents/` (the lowest folder that sees both the bundle's
 * network and the env's codecs; policies/ may import neither). agents/ loads TF.js, so
 * it is imported only when a bundle is asked for. Call before `resolvePolicy` in each
 * thread.
 */
export async function prepareLearnedPolicies(names: readonly string[]): Promise<void> {
  if (adapter !== undefined || !names.some(namesBundle)) return;
  const agents = (await import('../agents/index.js')) as Record<string, unknown>;
  const learned = agents['loadLearnedPolicy'];
  const base = agents['loadBasePolicy'];
  const rule = agents['loadRulePolicy'];
  adapter =
    typeof learned === 'function' && typeof base === 'function' && typeof rule === 'function'
      ? {
          learned: learned as LearnedPolicyLoader,
          base: base as LearnedPolicyLoader,
          rule: rule as LearnedPolicyLoader,
        }
      : null;
}

/**
 * The learned policy in the bundle at `path`, through the adapter (a bundle's network
 * behind the env's codecs, as a `Policy`). Fails with one clear line, rather than
 * running something else, when the build has no adapter or the bundle is missing.
 */
export function loadLearnedPolicy(path: string, seed: number): Policy {
  return loadBundlePolicy('learned', path, seed);
}

/**
 * The base composition of the residual bundle at `path` alone, exactly as the learned
 * policy runs it under a zero correction (same composition, same policy stream).
 */
export function loadBasePolicy(path: string, seed: number): Policy {
  return loadBundlePolicy('base', path, seed);
}

function loadBundlePolicy(kind: keyof Adapter, path: string, seed: number): Policy {
  const loaders = adapter;
  if (loaders === undefined) {
    throw new Error('prepareLearnedPolicies must run before a learned policy is resolved');
  }
  const what =
    kind === 'learned' ? 'learned policy' : kind === 'base' ? 'base of' : 'guarantee-share rule on';
  if (loaders === null) {
    throw new UsageError(
      `cannot run ${what} '${path}': the learned-policy adapter (loadLearnedPolicy, loadBasePolicy and loadRulePolicy exported by agents/) is not available in this build yet`,
    );
  }
  if (!existsSync(path)) {
    throw new UsageError(`cannot run ${what} '${path}': no policy bundle at that path`);
  }
  return loaders[kind](path, { rng: policyRng(seed) });
}
