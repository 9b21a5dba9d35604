/**
 * The versions stamped into bundles and checkpoints, and the compatibility rule for
 * reading them back.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

/** Governor's package version, read from package.json (two levels above dist/agents). */
export function governorVersion(): string {
  for (const up of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'governor' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

/** The running tfjs version. */
export function tfjsVersion(): string {
  return tf.version.tfjs;
}

/**
 * Whether data written by version `written` can be read by `running` (semver: same
 * major; for 0.x, same minor).
 */
export function isCompatibleVersion(written: string, running: string): boolean {
  const [wMajor, wMinor] = written.split('.');
  const [rMajor, rMinor] = running.split('.');
  if (wMajor !== rMajor) return false;
  return wMajor !== '0' || wMinor === rMinor;
}
