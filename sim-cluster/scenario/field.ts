/**
 * Validation helpers for raw (parsed-YAML) values, shared by the scenario loader and
 * the distribution specs. Every helper takes the `Field` it is looking at, so each
 * error names the file, the dotted path of the field and the rule with the actual value:
 * `workers must be a positive integer, got 0 at services.api.workers`.
 *
 * New scenario fields are validated by composing these helpers; none of them knows
 * about any particular field.
 */
import { InvalidScenarioError } from '../errors.js';

/** Where a raw value sits: the file it came from and its dotted path in that file. */
export class Field {
  /** The file the value came from, or `<inline>`. */
  readonly file: string;
  /** Dotted path, e.g. `apis.get.call.calls[0].work.mean`; `''` for the document root. */
  readonly path: string;

  constructor(file: string, path = '') {
    this.file = file;
    this.path = path;
  }

  /** The field `name` inside this mapping. */
  key(name: string): Field {
    return new Field(this.file, this.path === '' ? name : `${this.path}.${name}`);
  }

  /** The element `index` of this list. */
  index(index: number): Field {
    return new Field(this.file, `${this.path}[${index}]`);
  }

  /** The last segment of the path, used as the subject of rules (`workers`, `values[2]`). */
  get name(): string {
    const dot = this.path.lastIndexOf('.');
    return this.path === '' ? 'scenario' : this.path.slice(dot + 1);
  }

  /** Throws an `InvalidScenarioError` for this field. */
  fail(rule: string): never {
    throw new InvalidScenarioError(this.file, this.path, rule);
  }
}

/** A short rendering of a raw value for "got ..." in messages. */
export function show(raw: unknown): string {
  if (raw === null) return 'null';
  if (raw === undefined) return 'nothing';
  if (typeof raw === 'string') return JSON.stringify(raw);
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (Array.isArray(raw)) return 'a list';
  if (typeof raw === 'object') return 'a mapping';
  return typeof raw;
}

/** A mapping (plain object), not a list, scalar or null. */
export function expectMapping(raw: unknown, at: Field): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    at.fail(`${at.name} must be a mapping, got ${show(raw)}`);
  }
  return raw as Record<string, unknown>;
}

/** Rejects any key of `obj` not in `allowed`, naming it and listing the allowed ones. */
export function expectKeys(obj: Record<string, unknown>, allowed: readonly string[], at: Field) {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      at.key(key).fail(`unknown key "${key}"; allowed keys are ${allowed.join(', ')}`);
    }
  }
}

/** The value of a required key; fails when it is absent or null. */
export function expectPresent(obj: Record<string, unknown>, key: string, at: Field): unknown {
  const value = obj[key];
  if (value === undefined || value === null) at.key(key).fail(`${key} is required`);
  return value;
}

/** The value of a required key parsed by `parse`; fails when the key is absent. */
export function requiredKey<T>(
  obj: Record<string, unknown>,
  key: string,
  at: Field,
  parse: (raw: unknown, at: Field) => T,
): T {
  return parse(expectPresent(obj, key, at), at.key(key));
}

/** The value of an optional key parsed by `parse`, or `fallback` when the key is absent. */
export function optionalKey<T, F = T>(
  obj: Record<string, unknown>,
  key: string,
  at: Field,
  parse: (raw: unknown, at: Field) => T,
  fallback: F,
): T | F {
  const raw = obj[key];
  return raw === undefined ? fallback : parse(raw, at.key(key));
}

/** A finite number. */
export function expectNumber(raw: unknown, at: Field): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    at.fail(`${at.name} must be a finite number, got ${show(raw)}`);
  }
  return raw;
}

/** A finite number > 0. */
export function expectPositive(raw: unknown, at: Field): number {
  const value = expectNumber(raw, at);
  if (!(value > 0)) at.fail(`${at.name} must be a positive number, got ${show(raw)}`);
  return value;
}

/** A finite number >= 0. */
export function expectNonNegative(raw: unknown, at: Field): number {
  const value = expectNumber(raw, at);
  if (!(value >= 0)) at.fail(`${at.name} must be a non-negative number, got ${show(raw)}`);
  return value;
}

/** A safe integer >= `min`; `rule` names the set (`a positive integer`). */
export function expectInteger(raw: unknown, at: Field, min: number, rule: string): number {
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < min) {
    at.fail(`${at.name} must be ${rule}, got ${show(raw)}`);
  }
  return raw;
}

/** An integer >= 1. */
export function expectPositiveInteger(raw: unknown, at: Field): number {
  return expectInteger(raw, at, 1, 'a positive integer');
}

/** An integer >= 0. */
export function expectNonNegativeInteger(raw: unknown, at: Field): number {
  return expectInteger(raw, at, 0, 'a non-negative integer');
}

/** A boolean (`true` / `false`). */
export function expectBoolean(raw: unknown, at: Field): boolean {
  if (typeof raw !== 'boolean') at.fail(`${at.name} must be true or false, got ${show(raw)}`);
  return raw;
}

/** A non-empty string. */
export function expectString(raw: unknown, at: Field): string {
  if (typeof raw !== 'string' || raw === '') {
    at.fail(`${at.name} must be a non-empty string, got ${show(raw)}`);
  }
  return raw;
}

/** One of `allowed`. */
export function expectEnum<T extends string>(raw: unknown, allowed: readonly T[], at: Field): T {
  if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) {
    at.fail(`${at.name} must be one of ${allowed.join(', ')}, got ${show(raw)}`);
  }
  return raw as T;
}

/** A list. With `nonEmpty`, at least one element. */
export function expectList(raw: unknown, at: Field, nonEmpty = false): readonly unknown[] {
  if (!Array.isArray(raw)) at.fail(`${at.name} must be a list, got ${show(raw)}`);
  if (nonEmpty && raw.length === 0) at.fail(`${at.name} must be a non-empty list, got []`);
  return raw as readonly unknown[];
}

/** Names of services, APIs and tenants. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** A name matching `NAME_PATTERN`; `kind` is `service`, `api` or `tenant`. */
export function expectName(raw: string, kind: string, at: Field): string {
  if (!NAME_PATTERN.test(raw)) {
    at.fail(`${kind} name must match ${String(NAME_PATTERN)}, got ${show(raw)}`);
  }
  return raw;
}

/** A mapping with at least one entry; `kind` names the entries in the message. */
export function expectNonEmptyMapping(
  raw: unknown,
  kind: string,
  at: Field,
): Record<string, unknown> {
  const obj = expectMapping(raw, at);
  if (Object.keys(obj).length === 0) at.fail(`${at.name} must define at least one ${kind}`);
  return obj;
}
