/**
 * The queue discipline of one replica: which waiting request a free worker takes next.
 *
 * Requests are identified by integer handles owned by the simulator. A scheduler keeps
 * them in typed-array ring buffers (no per-request allocation) and reads the tenants'
 * live weights and priorities from `TenantControls`, which a controller may rewrite at
 * any control interval.
 */
export interface Scheduler {
  /** Requests waiting. */
  readonly length: number;
  /**
   * Adds a waiting request.
   * @param handle the simulator's handle of the request hop
   * @param tenant tenant index (0-based, < tenant count)
   * @param costSeconds the scheduler's estimate of its CPU cost (profiled mean work)
   * @param nowSeconds simulated time of arrival in the queue
   * @param deadlineSeconds absolute simulated time by which the request should be done:
   *   its arrival at the ingress + its tenant's SLO latency (read by EDF)
   */
  enqueue(
    handle: number,
    tenant: number,
    costSeconds: number,
    nowSeconds: number,
    deadlineSeconds: number,
  ): void;
  /**
   * Removes and returns the next request to serve, or -1 when empty (or, for a
   * non-work-conserving discipline, when nothing may run on this worker).
   * @param workerIndex index in [0, workers) of the free worker that will take it (2DFQ)
   * @param workers the replica's worker count
   */
  dequeue(nowSeconds: number, workerIndex: number, workers: number): number;
  /**
   * The queue is full and a request of `tenant` arrives: returns the handle of a waiting
   * request to push out in its favour (removed from the queue), or -1 to reject the
   * arriving one. FIFO and priority reject the newcomer (tail drop); fair queues push out
   * the tail of the most over-share backlog (Demers, Keshav and Shenker's buffer policy).
   */
  evictFor(tenant: number): number;
}

/** Per-tenant knobs read by schedulers; index = tenant index. */
export interface TenantControls {
  /** Fair-share weight (> 0); default: the tenant's `weight`. */
  readonly weight: Float64Array;
  /** Strict priority; larger is served first; default 0. */
  readonly priority: Float64Array;
}
