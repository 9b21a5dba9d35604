/**
 * What `governor serve --policy` names: a heuristic from the policies registry, or a
 * policy bundle directory. Bundles are loaded and verified with agents' loader (lazily:
 * TF.js is only imported when a bundle is asked for); serving one needs a learned-policy
 * adapter (codec + network → Policy), which this build does not have yet, so a valid
 * bundle is refused with a `BundleError` saying so.
 */
import { existsSync, statSync } from 'node:fs';
import { createPolicy } from '../policies/registry.js';
import type { Policy } from '../policies/policy.js';
import { BundleError } from '../sim-cluster/errors.js';

/** The policy named by `spec` (a registry name or a bundle directory). */
export async function loadServedPolicy(spec: string, seed = 0): Promise<Policy> {
  if (existsSync(spec) && statSync(spec).isDirectory()) {
    const { loadBundle } = await import('../agents/bundle.js');
    const bundle = loadBundle(spec);
    throw new BundleError(
      `${spec}: bundle verified (format ${bundle.manifest.formatVersion}, network ${bundle.manifest.network.kind ?? 'unknown'}) but cannot be served yet: this build has no learned-policy adapter`,
    );
  }
  const { policyRng } = await import('../policies/control-loop.js');
  return createPolicy(spec, undefined, { rng: policyRng(seed) });
}
