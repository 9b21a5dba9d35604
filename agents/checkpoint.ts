/**
 * Training checkpoints, for resuming: the network's weights, Adam's moments and step,
 * and the trainer's own state (iteration, env steps, observation-normalisation
 * statistics...) as JSON. Same directory layout, atomic write and sha256 checks as the
 * policy bundle.
 */
import { join } from 'node:path';
import { BundleError } from '../sim-cluster/errors.js';
import type { ActorCritic } from './actor-critic.js';
import type { Adam } from './adam.js';
import { readVerifiedFile } from './bundle.js';
import { readFileIfExists, sha256, writeDirectoryAtomically } from './io/directory-io.js';
import type { NetworkSpec } from './network-spec.js';
import { governorVersion, isCompatibleVersion, tfjsVersion } from './versions.js';
import {
  bytesToFloats,
  readTensor,
  restoreParameters,
  serializeParameters,
  serializeTensors,
  weightBytes,
} from './weights-io.js';
import type { SerializedWeights, WeightEntry } from './weights-io.js';

export const CHECKPOINT_FORMAT = 'governor-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;

export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly formatVersion: number;
  readonly governorVersion: string;
  readonly tfjsVersion: string;
  readonly network: NetworkSpec;
  readonly optimizerStep: number;
  readonly files: Readonly<Record<string, string>>;
  /** The trainer's state, opaque here. */
  readonly state: unknown;
}

/** Writes a checkpoint directory atomically. */
export function saveCheckpoint(
  dir: string,
  network: ActorCritic,
  optimizer: Adam,
  state: unknown,
): void {
  const weights = serializeParameters(network.parameters);
  const adam = optimizer.getState();
  const moments = serializeTensors(
    network.parameters.flatMap((p) => {
      const saved = adam.moments.get(p.name);
      if (saved === undefined) return [];
      return [
        { name: `m/${p.name}`, shape: p.variable.shape, values: saved.m },
        { name: `v/${p.name}`, shape: p.variable.shape, values: saved.v },
      ];
    }),
  );
  const files = new Map<string, Uint8Array | string>([
    ['weights.bin', weightBytes(weights)],
    ['weights.json', JSON.stringify(weights.index)],
    ['optimizer.bin', weightBytes(moments)],
    ['optimizer.json', JSON.stringify(moments.index)],
  ]);
  const digests: Record<string, string> = {};
  for (const [name, contents] of files) digests[name] = sha256(contents);
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    governorVersion: governorVersion(),
    tfjsVersion: tfjsVersion(),
    network: network.spec,
    optimizerStep: adam.step,
    files: digests,
    state,
  };
  files.set('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  writeDirectoryAtomically(dir, files);
}

/** Reads a checkpoint's manifest, checking format and versions. */
export function readCheckpointManifest(dir: string): CheckpointManifest {
  const where = join(dir, 'manifest.json');
  const bytes = readFileIfExists(dir, 'manifest.json');
  if (bytes === undefined) throw new BundleError(`${where}: not found`);
  const m = JSON.parse(bytes.toString('utf8')) as CheckpointManifest;
  if (m.format !== CHECKPOINT_FORMAT || m.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw new BundleError(
      `${where}: expected ${CHECKPOINT_FORMAT} version ${CHECKPOINT_FORMAT_VERSION}, got ${String(m.format)} version ${String(m.formatVersion)}`,
    );
  }
  if (!isCompatibleVersion(m.governorVersion, governorVersion())) {
    throw new BundleError(
      `${where}: written by governor ${m.governorVersion}, incompatible with the running governor ${governorVersion()}`,
    );
  }
  return m;
}

function readBlob(dir: string, m: CheckpointManifest, stem: string): SerializedWeights {
  const bin = readVerifiedFile(dir, m.files, `${stem}.bin`);
  const index = JSON.parse(readVerifiedFile(dir, m.files, `${stem}.json`).toString('utf8'));
  return { index: index as WeightEntry[], data: bytesToFloats(bin) };
}

/**
 * Restores weights and optimiser state into an existing network and optimiser built
 * from the same spec; returns the trainer's state.
 */
export function loadCheckpoint(dir: string, network: ActorCritic, optimizer: Adam): unknown {
  const m = readCheckpointManifest(dir);
  if (JSON.stringify(m.network) !== JSON.stringify(network.spec)) {
    throw new BundleError(
      `${join(dir, 'manifest.json')}: network spec ${JSON.stringify(m.network)} differs from the trainer's ${JSON.stringify(network.spec)}`,
    );
  }
  const weights = readBlob(dir, m, 'weights');
  const moments = readBlob(dir, m, 'optimizer');
  const source = join(dir, 'optimizer.bin');
  const restored = new Map<string, { m: Float32Array; v: Float32Array }>();
  for (const p of network.parameters) {
    restored.set(p.name, {
      m: readTensor(moments, `m/${p.name}`, p.variable.shape, source),
      v: readTensor(moments, `v/${p.name}`, p.variable.shape, source),
    });
  }
  restoreParameters(network.parameters, weights, join(dir, 'weights.bin'));
  optimizer.setState({ step: m.optimizerStep, moments: restored });
  return m.state;
}
