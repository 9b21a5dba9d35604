import { LatencyHistogram } from './histogram.js';

/** Why a request or hop was turned away. */
export type RejectReason = 'queue-full' | 'unavailable';

/** Running counters of one tenant over the measured period (requests arriving after warmup). */
export class TenantStats {
  offered = 0;
  /** Passed the ingress (rate limits and admission) and entered the call tree. */
  admitted = 0;
  rejected = 0;
  completed = 0;
  failed = 0;
  /** Requests whose client-side timeout fired (they also count as failed unless retried). */
  timedOut = 0;
  /** Completed within the tenant's SLO latency. */
  goodput = 0;
  /** Sum over control windows of min(offered, guaranteedRate × window), or offered. */
  entitlement = 0;
  /** Measured arrivals in the current control window. */
  windowOffered = 0;
  readonly latency = new LatencyHistogram();
  readonly rejectedByReason: Record<RejectReason, number> = { 'queue-full': 0, unavailable: 0 };
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
