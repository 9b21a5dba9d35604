/** Parsers for command-line option values: each failure is a one-line UsageError. */
import { UsageError } from '../sim-cluster/errors.js';

export function parseNonNegativeInteger(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
      throw new UsageError(`${flag} must be a non-negative integer, got '${value}'`);
    }
    return n;
  };
}

export function parsePositiveNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new UsageError(`${flag} must be a positive number of seconds, got '${value}'`);
    }
    return n;
  };
}
