/**
 * CURVE key files at the edge. `writeKeyPair` writes `NAME.pub` and `NAME.key` (Z85,
 * one line each) atomically, the secret with mode 0600. `readKeyDir` reads a daemon's
 * key directory: `server.pub`, `server.key`, and the allowlist `allowed/*.pub`.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { UsageError } from '../sim-cluster/errors.js';
import { isZ85Key } from './z85.js';

export interface KeyPair {
  readonly publicKey: string;
  readonly secretKey: string;
}

/** The daemon's keys and the public keys of the services allowed to connect. */
export interface ServerKeys extends KeyPair {
  readonly allowed: ReadonlySet<string>;
}

/** A fresh CURVE key pair in Z85. */
export function generateKeyPair(): KeyPair {
  const { publicKey, secretKey } = zmq.curveKeyPair();
  return { publicKey, secretKey };
}

/** Writes `dir/NAME.pub` and `dir/NAME.key` (mode 0600), each by write-then-rename. */
export function writeKeyPair(
  dir: string,
  name: string,
  pair: KeyPair = generateKeyPair(),
): KeyPair {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.'))
    throw new UsageError(`key name must be letters, digits, '.', '_' or '-', got '${name}'`);
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, `${name}.key`), `${pair.secretKey}\n`, 0o600);
  writeAtomic(join(dir, `${name}.pub`), `${pair.publicKey}\n`, 0o644);
  return pair;
}

function writeAtomic(path: string, text: string, mode: number): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode });
  chmodSync(temp, mode);
  renameSync(temp, path);
}

/** Reads one Z85 key file, checking its shape. */
export function readKey(path: string): string {
  if (!existsSync(path)) throw new UsageError(`key file ${path} does not exist`);
  const key = readFileSync(path, 'utf8').trim();
  if (!isZ85Key(key)) throw new UsageError(`${path} must hold a 40-character Z85 key`);
  return key;
}

/** Reads a daemon key directory (see the file comment). */
export function readKeyDir(dir: string): ServerKeys {
  const allowedDir = join(dir, 'allowed');
  const allowed = existsSync(allowedDir)
    ? readdirSync(allowedDir)
        .filter((f) => f.endsWith('.pub'))
        .map((f) => readKey(join(allowedDir, f)))
    : [];
  return {
    publicKey: readKey(join(dir, 'server.pub')),
    secretKey: readKey(join(dir, 'server.key')),
    allowed: new Set(allowed),
  };
}

/** A simulated or real service's CURVE keys: `client.pub`, `client.key`, `server.pub` in `dir`. */
export function readClientKeys(dir: string): {
  publicKey: string;
  secretKey: string;
  serverKey: string;
} {
  return {
    publicKey: readKey(join(dir, 'client.pub')),
    secretKey: readKey(join(dir, 'client.key')),
    serverKey: readKey(join(dir, 'server.pub')),
  };
}
