/**
 * What a policy bundle holds, verified: the manifest's format and versions, every file's
 * sha256, the weights against the network spec's shapes (by loading them), and for a
 * cluster bundle the codecs against the network's inputs and outputs. Any failure is a
 * `BundleError` naming the file and what is wrong.
 */
import { loadBundle, readBundleManifest } from '../agents/bundle.js';
import type { BundleManifest } from '../agents/bundle.js';
import { disposeActorCritic } from '../agents/actor-critic.js';
import { loadLearnedPolicy } from '../agents/learned-policy.js';
import type { ClusterBundleCodec } from '../agents/learned-policy.js';
import { readFileIfExists, sha256 } from '../agents/io/directory-io.js';
import { BundleError } from '../sim-cluster/errors.js';

export interface BundleReport {
  readonly manifest: BundleManifest;
  readonly parameters: { readonly name: string; readonly shape: readonly number[] }[];
  readonly parameterCount: number;
  readonly codec: Partial<ClusterBundleCodec> | null;
  readonly featureRangeCount: number;
  /** Whether the bundle loads as a cluster policy (codecs present and consistent). */
  readonly clusterPolicy: boolean;
}

/** Loads and verifies the bundle at `dir`; throws a BundleError when it is not sound. */
export function inspectBundle(dir: string): BundleReport {
  const manifest = readBundleManifest(dir);
  for (const [name, expected] of Object.entries(manifest.files ?? {})) {
    const bytes = readFileIfExists(dir, name);
    if (bytes === undefined)
      throw new BundleError(`${dir}/${name}: listed in the manifest but missing`);
    const actual = sha256(bytes);
    if (actual !== expected)
      throw new BundleError(
        `${dir}/${name}: sha256 mismatch, expected ${expected} (manifest), got ${actual}`,
      );
  }
  const bundle = loadBundle(dir);
  const parameters = bundle.network.parameters.map((p) => ({
    name: p.name,
    shape: p.variable.shape,
  }));
  const parameterCount = parameters.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  disposeActorCritic(bundle.network);
  const codec = bundle.codec as Partial<ClusterBundleCodec> | null;
  const clusterPolicy =
    codec !== null && codec.observation !== undefined && codec.action !== undefined;
  // The learned policy's own checks: codecs against the network's inputs and outputs.
  if (clusterPolicy) loadLearnedPolicy(dir);
  const ranges = manifest.training?.featureRanges;
  return {
    manifest,
    parameters,
    parameterCount,
    codec,
    featureRangeCount: ranges && typeof ranges === 'object' ? Object.keys(ranges).length : 0,
    clusterPolicy,
  };
}
