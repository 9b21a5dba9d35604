/**
 * Retry policies a scenario may give a call edge or a tenant's clients: exponential
 * `backoff` with jitter, a `retryBudget`, and the tenant-level `client` that combines
 * them with a timeout and a retry count.
 *
 * Defaults follow Envoy's router (base interval 25 ms, maximum 10 × base, full jitter
 * as in the AWS Architecture Blog's "Exponential Backoff and Jitter") and the 20% retry
 * budget that both Envoy (`budget_percent`) and Finagle (`RetryBudget`) default to.
 */
import type { BackoffSpec, ClientSpec, RetryBudgetSpec } from './types.js';
import {
  type Field,
  expectEnum,
  expectKeys,
  expectMapping,
  expectNonNegative,
  expectNonNegativeInteger,
  expectNumber,
  expectPositive,
  optionalKey,
} from './field.js';

/** Seconds before the first retry when `backoff.base` is not given (Envoy's 25 ms). */
export const DEFAULT_BACKOFF_BASE = 0.025;
/** Growth of the delay per retry when `backoff.multiplier` is not given. */
export const DEFAULT_BACKOFF_MULTIPLIER = 2;
/** `backoff.max` defaults to this many times `base` (Envoy's max interval). */
export const DEFAULT_BACKOFF_MAX_FACTOR = 10;
/** Retries allowed per first attempt when `retryBudget.ratio` is not given. */
export const DEFAULT_RETRY_BUDGET_RATIO = 0.2;

const JITTERS: readonly BackoffSpec['jitter'][] = ['none', 'full', 'equal'];

/** `backoff: {base, multiplier, max, jitter}`; every key optional. */
export function parseBackoff(raw: unknown, at: Field): BackoffSpec {
  const obj = expectMapping(raw, at);
  expectKeys(obj, ['base', 'multiplier', 'max', 'jitter'], at);
  const base = optionalKey(obj, 'base', at, expectPositive, DEFAULT_BACKOFF_BASE);
  const multiplier = optionalKey(
    obj,
    'multiplier',
    at,
    expectAtLeastOne,
    DEFAULT_BACKOFF_MULTIPLIER,
  );
  const max = optionalKey(obj, 'max', at, expectNumber, DEFAULT_BACKOFF_MAX_FACTOR * base);
  if (!(max >= base)) at.key('max').fail(`max must be >= base (${base}), got ${max}`);
  const jitter = optionalKey(obj, 'jitter', at, (v, f) => expectEnum(v, JITTERS, f), 'full');
  return { base, multiplier, max, jitter };
}

/** `retryBudget: {ratio, minPerSecond}`; both optional. */
export function parseRetryBudget(raw: unknown, at: Field): RetryBudgetSpec {
  const obj = expectMapping(raw, at);
  expectKeys(obj, ['ratio', 'minPerSecond'], at);
  return {
    ratio: optionalKey(obj, 'ratio', at, expectNonNegative, DEFAULT_RETRY_BUDGET_RATIO),
    minPerSecond: optionalKey(obj, 'minPerSecond', at, expectNonNegative, 0),
  };
}

/** `client: {timeout, retries, backoff, retryBudget}`: a tenant's own client behaviour. */
export function parseClient(raw: unknown, at: Field): ClientSpec {
  const obj = expectMapping(raw, at);
  expectKeys(obj, ['timeout', 'retries', 'backoff', 'retryBudget'], at);
  return {
    retries: optionalKey(obj, 'retries', at, expectNonNegativeInteger, 0),
    ...parseRetryPolicy(obj, at),
  };
}

/**
 * The optional `timeout`, `backoff` and `retryBudget` of a call or client, with absent
 * keys left out (so a normalised spec has no `undefined` fields).
 */
export function parseRetryPolicy(
  obj: Record<string, unknown>,
  at: Field,
): Pick<ClientSpec, 'timeout' | 'backoff' | 'retryBudget'> {
  const timeout = optionalKey(obj, 'timeout', at, expectPositive, undefined);
  const backoff = optionalKey(obj, 'backoff', at, parseBackoff, undefined);
  const retryBudget = optionalKey(obj, 'retryBudget', at, parseRetryBudget, undefined);
  return {
    ...(timeout === undefined ? {} : { timeout }),
    ...(backoff === undefined ? {} : { backoff }),
    ...(retryBudget === undefined ? {} : { retryBudget }),
  };
}

function expectAtLeastOne(raw: unknown, at: Field): number {
  const value = expectNumber(raw, at);
  if (!(value >= 1)) at.fail(`${at.name} must be >= 1, got ${value}`);
  return value;
}
