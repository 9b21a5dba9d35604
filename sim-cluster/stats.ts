import { REJECT_REASONS, type RejectReason } from './enforcement.js';
import { LatencyHistogram } from './histogram.js';

/**
 * How a call or request ended. The first seven codes are rejections (`Reject` in
 * enforcement.ts, same order as `REJECT_REASONS`); the rest are failures.
 */
export const enum Outcome {
  Timeout = 7,
  Crash = 8,
}

/** Whether an outcome code is a rejection (turned away) rather than a failure. */
export function isRejection(outcome: number): boolean {
  return outcome < REJECT_REASONS.length;
}

/** Running counters of one tenant over the measured period (requests arriving after warmup). */
export class TenantStats {
  offered = 0;
  /** Passed the ingress (rate limit) and entered the call tree. */
  admitted = 0;
  /** Turned away for good, at the ingress or by any service (after any retries). */
  rejected = 0;
  completed = 0;
  /** Failed for good: timed out, crashed, or failed downstream (after any retries). */
  failed = 0;
  /** Failed for good because the client's timeout fired. */
  timedOut = 0;
  /** Completed within the tenant's SLO latency. */
  goodput = 0;
  /** Sum over control windows of min(offered, guaranteedRate × window), or offered. */
  entitlement = 0;
  /** Measured arrivals in the current control window. */
  windowOffered = 0;
  readonly latency = new LatencyHistogram();
  /** Requests rejected for good, by the reason of the last rejection. */
  readonly rejectedByReason = new Float64Array(REJECT_REASONS.length);

  reasonsRecord(): Record<RejectReason, number> {
    const out = {} as Record<RejectReason, number>;
    REJECT_REASONS.forEach((r, i) => (out[r] = this.rejectedByReason[i]!));
    return out;
  }
}

/** Running counters of one service (all its replicas) over the measured period. */
export class ServiceStats {
  /** Hops of measured requests that completed at this service. */
  hopsCompleted = 0;
  /** Hops of measured requests turned away by this service. */
  hopsRejected = 0;
  /** Total and count of queue waits of measured hops (seconds). */
  waitSeconds = 0;
  waits = 0;
}
