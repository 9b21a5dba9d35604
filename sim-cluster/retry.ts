/**
 * What a caller does when a call fails: how long it waits for the call (timeout), how
 * often it tries again (retries), how long it backs off between attempts, and the retry
 * budget that keeps retries from multiplying load without bound.
 */
import type { RngStream } from './rng.js';
import type { BackoffSpec, RetryBudgetSpec } from './scenario/types.js';

/** A compiled call policy; `index` addresses its retry-budget state in the simulation. */
export interface CallPolicy {
  readonly index: number;
  /** Seconds before the caller gives up on an attempt; Infinity: never. */
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly backoff: BackoffSpec | null;
  readonly budget: RetryBudgetSpec | null;
}

/**
 * Seconds to wait before retry number `retry` (1 = first retry): exponential backoff
 * min(max, base × multiplier^(retry−1)), jittered as the policy says.
 */
export function backoffSeconds(backoff: BackoffSpec | null, retry: number, rng: RngStream): number {
  if (backoff === null) return 0;
  const ceiling = Math.min(backoff.max, backoff.base * backoff.multiplier ** (retry - 1));
  switch (backoff.jitter) {
    case 'none':
      return ceiling;
    case 'full':
      return rng.next() * ceiling;
    case 'equal':
      return ceiling / 2 + (rng.next() * ceiling) / 2;
  }
}

/** Seconds of history a retry budget counts, in one-second slots. */
export const RETRY_BUDGET_HORIZON_SECONDS = 10;

/**
 * Retry budgets, one per call policy, over a sliding horizon of ten one-second slots
 * (in the style of Finagle's RetryBudget): a retry is allowed while the retries of the
 * horizon stay below `ratio` × its first attempts + `minPerSecond` × horizon.
 */
export class RetryBudgets {
  private readonly firsts: Float64Array;
  private readonly retries: Float64Array;
  /** The whole second each policy's newest slot stands for. */
  private readonly slotSecond: Float64Array;

  constructor(policies: readonly CallPolicy[]) {
    const n = policies.length * RETRY_BUDGET_HORIZON_SECONDS;
    this.firsts = new Float64Array(n);
    this.retries = new Float64Array(n);
    this.slotSecond = new Float64Array(policies.length).fill(-1);
  }

  /** Records a first attempt under `policy`. */
  deposit(policy: CallPolicy, nowSeconds: number): void {
    if (policy.budget === null) return;
    this.firsts[this.slot(policy.index, nowSeconds)]! += 1;
  }

  /** Whether a retry may be made now; counts it when it may. */
  tryRetry(policy: CallPolicy, nowSeconds: number): boolean {
    const budget = policy.budget;
    if (budget === null) return true;
    const current = this.slot(policy.index, nowSeconds);
    const base = policy.index * RETRY_BUDGET_HORIZON_SECONDS;
    let firsts = 0;
    let retries = 0;
    for (let k = 0; k < RETRY_BUDGET_HORIZON_SECONDS; k++) {
      firsts += this.firsts[base + k]!;
      retries += this.retries[base + k]!;
    }
    if (retries + 1 > budget.ratio * firsts + budget.minPerSecond * RETRY_BUDGET_HORIZON_SECONDS)
      return false;
    this.retries[current]! += 1;
    return true;
  }

  /** Index of the slot for `nowSeconds`, clearing the slots that fell out of the horizon. */
  private slot(policy: number, nowSeconds: number): number {
    const second = Math.floor(nowSeconds);
    const base = policy * RETRY_BUDGET_HORIZON_SECONDS;
    let last = this.slotSecond[policy]!;
    if (second > last) {
      const stale = Math.min(second - last, RETRY_BUDGET_HORIZON_SECONDS);
      for (let k = 1; k <= stale; k++) {
        const i = base + ((second - stale + k) % RETRY_BUDGET_HORIZON_SECONDS);
        this.firsts[i] = 0;
        this.retries[i] = 0;
      }
      last = second;
      this.slotSecond[policy] = second;
    }
    return base + (last % RETRY_BUDGET_HORIZON_SECONDS);
  }
}
