/**
 * Policy parameters: every policy documents its defaults in one object; a JSON or YAML
 * policy config overrides some of them. Overrides are validated against the defaults'
 * shapes, with errors that name the file and the field (`gain must be a number, got
 * "x" at retro-latency.gain`).
 */
import { InvalidConfigError } from '../sim-cluster/errors.js';

/** The shapes a parameter may take. */
export type ParamValue =
  number | boolean | string | readonly string[] | Readonly<Record<string, number>>;

export type Params = Readonly<Record<string, ParamValue>>;

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'mapping' : typeof value;
}

/**
 * `defaults` with `overrides` applied. Unknown keys, wrong types, non-finite or negative
 * numbers are errors (every numeric parameter of our policies is ≥ 0).
 */
export function mergeParams<P extends Params>(
  policy: string,
  defaults: P,
  overrides: unknown,
  file = 'policy config',
): P {
  if (overrides === undefined || overrides === null) return defaults;
  if (kindOf(overrides) !== 'mapping')
    throw new InvalidConfigError(
      file,
      policy,
      `a policy config must be a mapping, got a ${kindOf(overrides)}`,
    );
  const out: Record<string, ParamValue> = { ...defaults };
  for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
    const path = `${policy}.${key}`;
    if (!(key in defaults)) {
      throw new InvalidConfigError(
        file,
        path,
        `unknown parameter '${key}' (known: ${Object.keys(defaults).join(', ') || 'none'})`,
      );
    }
    out[key] = checkValue(defaults[key]!, value, file, path);
  }
  return out as P;
}

function checkValue(def: ParamValue, value: unknown, file: string, path: string): ParamValue {
  const want = kindOf(def);
  const got = kindOf(value);
  if (want !== got)
    throw new InvalidConfigError(file, path, `must be a ${want}, got ${JSON.stringify(value)}`);
  if (typeof value === 'number') return nonNegative(value, file, path);
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (typeof v !== 'string')
        throw new InvalidConfigError(
          file,
          `${path}[${i}]`,
          `must be a string, got ${JSON.stringify(v)}`,
        );
    });
    return value as string[];
  }
  if (got === 'mapping') {
    const record: Record<string, number> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v !== 'number')
        throw new InvalidConfigError(
          file,
          `${path}.${k}`,
          `must be a number, got ${JSON.stringify(v)}`,
        );
      record[k] = nonNegative(v, file, `${path}.${k}`);
    }
    return record;
  }
  return value as ParamValue;
}

function nonNegative(value: number, file: string, path: string): number {
  if (!Number.isFinite(value) || value < 0)
    throw new InvalidConfigError(file, path, `must be a finite number >= 0, got ${value}`);
  return value;
}
