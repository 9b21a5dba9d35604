/**
 * Parameter checks shared by the distribution classes. A distribution built from a
 * scenario reports an `InvalidScenarioError` naming the parameter's field path; one built
 * directly in code reports an `InvalidArgumentError`.
 */
import { InvalidArgumentError, InvalidScenarioError } from '../errors.js';

/** Where a distribution spec sits in a scenario file: `path` is the spec's own path. */
export interface SpecLocation {
  readonly file: string;
  readonly path: string;
}

/** Throws the error for parameter `param` breaking `rule`. */
export function paramError(at: SpecLocation | undefined, param: string, rule: string): never {
  if (at === undefined) throw new InvalidArgumentError(rule);
  throw new InvalidScenarioError(at.file, at.path === '' ? param : `${at.path}.${param}`, rule);
}

/** `value` must be a finite number > 0. */
export function checkPositive(value: number, param: string, at?: SpecLocation): number {
  if (!(value > 0 && value < Infinity)) {
    paramError(at, param, `${param} must be a positive finite number, got ${value}`);
  }
  return value;
}

/** `value` must be a finite number >= 0. */
export function checkNonNegative(value: number, param: string, at?: SpecLocation): number {
  if (!(value >= 0 && value < Infinity)) {
    paramError(at, param, `${param} must be a non-negative finite number, got ${value}`);
  }
  return value;
}

/** A compact rendering of a parameter for `describe()`. */
export function fmt(value: number): string {
  return String(Number(value.toPrecision(6)));
}
