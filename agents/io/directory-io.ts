/**
 * Writing and verifying directories of files for bundles and checkpoints: atomic
 * replacement (write a sibling temp directory, then rename it into place) and sha256
 * digests.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Hex sha256 of some bytes. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Writes `files` (name -> contents) as the directory `dir`, replacing any previous one.
 * Readers see either the old directory or the complete new one, never a half-written one:
 * the files go to `.<name>.tmp-<pid>` next to `dir`, which is then renamed onto `dir`.
 */
export function writeDirectoryAtomically(
  dir: string,
  files: ReadonlyMap<string, Uint8Array | string>,
): void {
  const target = resolve(dir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const temp = join(parent, `.${basename(target)}.tmp-${process.pid}`);
  const old = join(parent, `.${basename(target)}.old-${process.pid}`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp);
  for (const [name, contents] of files) writeFileSync(join(temp, name), contents);
  if (existsSync(target)) {
    renameSync(target, old);
    renameSync(temp, target);
    rmSync(old, { recursive: true, force: true });
  } else {
    renameSync(temp, target);
  }
}

/** The bytes of `dir/name`, or undefined when it does not exist. */
export function readFileIfExists(dir: string, name: string): Buffer | undefined {
  const path = join(dir, name);
  return existsSync(path) ? readFileSync(path) : undefined;
}

/** Writes one file atomically: a sibling temp file, then a rename onto `path`. */
export function writeFileAtomically(path: string, contents: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  writeFileSync(temp, contents);
  renameSync(temp, path);
}
