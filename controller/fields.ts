/**
 * Strict field readers for decoded MessagePack maps. Each throws a `ProtocolError` naming
 * the field's path, the rule and the value; `codec.ts` turns that into a counted rejection.
 */
import { ProtocolError } from '../sim-cluster/errors.js';
import { LIMITS } from './protocol.js';

/** A plain map with exactly the allowed keys (unknown keys are a protocol error). */
export function record(
  value: unknown,
  path: string,
  allowed: readonly string[] | ReadonlySet<string>,
): Record<string, unknown> {
  if (!isPlainMap(value)) throw new ProtocolError(`${path} must be a map, got ${describe(value)}`);
  const map = value as Record<string, unknown>;
  const set = Array.isArray(allowed) ? null : (allowed as ReadonlySet<string>);
  for (const key in map) {
    if (set === null ? !(allowed as readonly string[]).includes(key) : !set.has(key))
      throw new ProtocolError(`${path} has unknown field '${clip(key)}'`);
  }
  return map;
}

/** A map from names to values (keys checked as names, at most `max` entries). */
export function namedMap(value: unknown, path: string, max: number): [string, unknown][] {
  if (!isPlainMap(value)) throw new ProtocolError(`${path} must be a map, got ${describe(value)}`);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > max)
    throw new ProtocolError(`${path} may hold at most ${max} entries, got ${entries.length}`);
  for (const [key] of entries) name(key, `${path} key`);
  return entries;
}

export function array(value: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(value))
    throw new ProtocolError(`${path} must be an array, got ${describe(value)}`);
  if (value.length > max)
    throw new ProtocolError(`${path} may hold at most ${max} items, got ${value.length}`);
  return value;
}

/** A non-empty name of printable characters, at most `LIMITS.nameLength` long. */
export function name(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > LIMITS.nameLength)
    throw new ProtocolError(
      `${path} must be a name of 1..${LIMITS.nameLength} characters, got ${describe(value)}`,
    );
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value) || value === '__proto__')
    throw new ProtocolError(`${path} must not contain control characters or be '__proto__'`);
  return value;
}

export function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length > LIMITS.messageLength)
    throw new ProtocolError(
      `${path} must be a string of at most ${LIMITS.messageLength} characters`,
    );
  return value;
}

export function oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value))
    throw new ProtocolError(`${path} must be one of ${options.join(', ')}, got ${describe(value)}`);
  return value as T;
}

export function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean')
    throw new ProtocolError(`${path} must be a boolean, got ${describe(value)}`);
  return value;
}

/** An integer in [min, 2^53). */
export function int(value: unknown, path: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    throw new ProtocolError(`${path} must be an integer >= ${min}, got ${describe(value)}`);
  return value;
}

/** A finite number >= min. */
export function finite(value: unknown, path: string, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min)
    throw new ProtocolError(`${path} must be a finite number >= ${min}, got ${describe(value)}`);
  return value;
}

/** A number (Infinity allowed) in [min, max], or > min when `exclusive`. */
export function bounded(
  value: unknown,
  path: string,
  min: number,
  max: number,
  exclusive = false,
): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (exclusive ? value > min : value >= min) &&
    value <= max;
  if (!ok)
    throw new ProtocolError(
      `${path} must be a number in ${exclusive ? '(' : '['}${min}, ${max}], got ${describe(value)}`,
    );
  return value as number;
}

/** A MessagePack map decoded as a plain object (not an array, bytes, a Date or a prototype trick). */
function isPlainMap(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

/** Whether `value` is undefined (an optional field left out). */
export function absent(value: unknown): value is undefined {
  return value === undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `bytes(${value.length})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === 'string') return `'${clip(value)}'`;
  if (typeof value === 'object') return 'map';
  return String(value);
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
