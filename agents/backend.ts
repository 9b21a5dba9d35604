/**
 * TensorFlow.js backend selection (issue 5): the first of `node-gpu`
 * (@tensorflow/tfjs-node-gpu), `node` (@tensorflow/tfjs-node), `wasm`
 * (@tensorflow/tfjs-backend-wasm) and `cpu` that loads, or a forced choice.
 *
 * The native packages are optional and usually absent, so they are loaded with a dynamic
 * `import()` of a computed name: a missing package is a skipped candidate, not a crash.
 * This file is an edge (it may read the clock and writes a log line) and is exempt from
 * the determinism lint rules.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../sim-cluster/errors.js';

export const BACKEND_NAMES = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendChoice {
  readonly name: BackendName;
  /** The tfjs backend id now active (`tensorflow`, `wasm`, `cpu`). */
  readonly tfBackend: string;
  /** Why each earlier candidate was skipped. */
  readonly skipped: readonly string[];
}

export interface SelectBackendOptions {
  /** Use exactly this backend, or fail. */
  readonly force?: BackendName;
  /** Where the choice is reported; stderr by default. */
  readonly log?: (line: string) => void;
}

/** The directory holding tfjs-backend-wasm's `.wasm` binaries. */
export function wasmBinariesDirectory(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return join(dirname(packageJson), 'dist') + '/';
}

/** Registers and activates one candidate; throws when it cannot be used here. */
async function activate(name: BackendName): Promise<string> {
  if (name === 'node-gpu' || name === 'node') {
    const pkg = name === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
    await import(pkg);
    return setAndCheck('tensorflow');
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmBinariesDirectory());
    return setAndCheck('wasm');
  }
  return setAndCheck('cpu');
}

async function setAndCheck(tfBackend: string): Promise<string> {
  const ok = await tf.setBackend(tfBackend);
  if (!ok) throw new Error(`tf.setBackend('${tfBackend}') returned false`);
  await tf.ready();
  return tfBackend;
}

/** Picks and activates a backend, logging the choice. */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendChoice> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (options.force !== undefined && !BACKEND_NAMES.includes(options.force)) {
    throw new InvalidArgumentError(
      `backend must be one of ${BACKEND_NAMES.join(', ')}, got ${String(options.force)}`,
    );
  }
  const candidates = options.force ? [options.force] : BACKEND_NAMES;
  const skipped: string[] = [];
  for (const name of candidates) {
    try {
      const tfBackend = await activate(name);
      log(`tfjs backend: ${name} (${tfBackend})${options.force ? ' [forced]' : ''}`);
      return { name, tfBackend, skipped };
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0] ?? String(error);
      skipped.push(`${name}: ${reason}`);
    }
  }
  throw new InvalidArgumentError(`no usable tfjs backend: ${skipped.join('; ')}`);
}
