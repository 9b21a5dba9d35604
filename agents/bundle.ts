/**
 * The policy bundle: everything the controller daemon needs to run a trained policy.
 *
 * ```
 * DIR/manifest.json   format and versions, network spec, sha256 of every other file,
 *                     training metadata
 * DIR/weights.bin     float32 little-endian parameters
 * DIR/weights.json    names, shapes and offsets into weights.bin
 * DIR/codec.json      the codec's parameters, opaque JSON from the caller
 * ```
 *
 * Bundles are written atomically; loading checks the format version, the governor and
 * tfjs versions and every file's sha256, and throws a BundleError naming what is wrong.
 */
import { join } from 'node:path';
import { BundleError } from '../sim-cluster/errors.js';
import { RngStream } from '../sim-cluster/rng.js';
import { createActorCritic, disposeActorCritic } from './actor-critic.js';
import type { ActorCritic } from './actor-critic.js';
import { readFileIfExists, sha256, writeDirectoryAtomically } from './io/directory-io.js';
import type { NetworkSpec } from './network-spec.js';
import { governorVersion, isCompatibleVersion, tfjsVersion } from './versions.js';
import {
  bytesToFloats,
  restoreParameters,
  serializeParameters,
  weightBytes,
} from './weights-io.js';
import type { WeightEntry } from './weights-io.js';

export const BUNDLE_FORMAT = 'governor-policy-bundle';
export const BUNDLE_FORMAT_VERSION = 1;

export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: number;
  readonly governorVersion: string;
  readonly tfjsVersion: string;
  readonly network: NetworkSpec;
  /** sha256 (hex) of every file of the bundle except the manifest. */
  readonly files: Readonly<Record<string, string>>;
  /** Free-form: env id, steps, seed, config, final returns, timestamps... */
  readonly training: Readonly<Record<string, unknown>>;
}

export interface PolicyBundle {
  readonly manifest: BundleManifest;
  readonly network: ActorCritic;
  readonly codec: unknown;
}

/** Writes `network`, `codec` and `training` as a bundle directory `dir`, atomically. */
export function saveBundle(
  dir: string,
  network: ActorCritic,
  codec: unknown,
  training: Record<string, unknown>,
): BundleManifest {
  const weights = serializeParameters(network.parameters);
  const files = new Map<string, Uint8Array | string>([
    ['weights.bin', weightBytes(weights)],
    ['weights.json', `${JSON.stringify(weights.index, null, 2)}\n`],
    ['codec.json', `${JSON.stringify(codec ?? null, null, 2)}\n`],
  ]);
  const digests: Record<string, string> = {};
  for (const [name, contents] of files) digests[name] = sha256(contents);
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    governorVersion: governorVersion(),
    tfjsVersion: tfjsVersion(),
    network: network.spec,
    files: digests,
    training,
  };
  files.set('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  writeDirectoryAtomically(dir, files);
  return manifest;
}

/** Reads and checks `dir/manifest.json`: format, format version and versions. */
export function readBundleManifest(dir: string): BundleManifest {
  const bytes = readFileIfExists(dir, 'manifest.json');
  if (bytes === undefined) throw new BundleError(`${join(dir, 'manifest.json')}: not found`);
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as BundleManifest;
  } catch (error) {
    throw new BundleError(
      `${join(dir, 'manifest.json')}: not valid JSON (${(error as Error).message})`,
    );
  }
  checkVersions(dir, manifest);
  return manifest;
}

function checkVersions(dir: string, m: BundleManifest): void {
  const where = join(dir, 'manifest.json');
  if (m.format !== BUNDLE_FORMAT) {
    throw new BundleError(`${where}: format must be ${BUNDLE_FORMAT}, got ${String(m.format)}`);
  }
  if (m.formatVersion !== BUNDLE_FORMAT_VERSION) {
    throw new BundleError(
      `${where}: bundle format version ${String(m.formatVersion)} is not supported (this governor reads version ${BUNDLE_FORMAT_VERSION})`,
    );
  }
  const running = governorVersion();
  if (typeof m.governorVersion !== 'string' || !isCompatibleVersion(m.governorVersion, running)) {
    throw new BundleError(
      `${where}: written by governor ${String(m.governorVersion)}, incompatible with the running governor ${running}`,
    );
  }
  const tfjs = tfjsVersion();
  if (typeof m.tfjsVersion !== 'string' || m.tfjsVersion.split('.')[0] !== tfjs.split('.')[0]) {
    throw new BundleError(
      `${where}: written with tfjs ${String(m.tfjsVersion)}, incompatible with the running tfjs ${tfjs}`,
    );
  }
}

/** Reads one listed file and checks its sha256 against the manifest. */
export function readVerifiedFile(dir: string, files: Record<string, string>, name: string): Buffer {
  const expected = files[name];
  if (expected === undefined) {
    throw new BundleError(`${join(dir, 'manifest.json')}: lists no sha256 for ${name}`);
  }
  const bytes = readFileIfExists(dir, name);
  if (bytes === undefined) throw new BundleError(`${join(dir, name)}: not found`);
  const actual = sha256(bytes);
  if (actual !== expected) {
    throw new BundleError(
      `${join(dir, name)}: sha256 mismatch, expected ${expected} (manifest), got ${actual}`,
    );
  }
  return bytes;
}

/** Loads and verifies a bundle; the network is rebuilt from its spec and weights. */
export function loadBundle(dir: string): PolicyBundle {
  const manifest = readBundleManifest(dir);
  const files = manifest.files ?? {};
  const bin = readVerifiedFile(dir, files, 'weights.bin');
  const index = JSON.parse(readVerifiedFile(dir, files, 'weights.json').toString('utf8'));
  const codec = JSON.parse(readVerifiedFile(dir, files, 'codec.json').toString('utf8')) as unknown;
  const network = createActorCritic(manifest.network, new RngStream(0, 'bundle-load'));
  const weights = { index: index as WeightEntry[], data: bytesToFloats(bin) };
  try {
    restoreParameters(network.parameters, weights, join(dir, 'weights.bin'));
  } catch (error) {
    disposeActorCritic(network);
    throw error;
  }
  return { manifest, network, codec };
}
