/**
 * Completion-time prediction for proactive admission, after Clockwork (Gujarati et al.,
 * OSDI 2020): predict when a request would finish from profiled service times and the
 * queues as they are now, and turn it away at the ingress if it would miss its deadline,
 * instead of letting it time out late.
 *
 * The prediction walks the API's call tree: a hop's latency is the predicted wait for a
 * worker at its service, plus its profiled mean CPU seconds, plus, for each sequential
 * step of child calls, the slowest child's predicted latency, plus the mean network
 * latency both ways. The wait at a service whose workers are all busy is
 * (queued + 1) × h / c: c workers of the service's up replicas, each freeing after a
 * mean holding time h (M/M/c: the next of c exponential holds ends after h / c, and each
 * hop ahead needs one more). h is the profiled no-load holding time of the service's
 * hops — CPU work, plus, at a blocking service, the no-load latency of the children it
 * waits on.
 *
 * Simplifications: profiles are static means from the scenario (Clockwork profiles
 * per-batch execution times online); queues of later hops are read now, not when the
 * request reaches them; slowdown faults and processor sharing are not predicted.
 */
import type { CallNode, ClusterModel } from './model.js';
import type { Replica } from './replica.js';

export class LatencyPredictor {
  /** Per service: profiled mean seconds a hop holds a worker with no load. */
  private readonly holdSeconds: Float64Array;
  private readonly networkSeconds: number;

  constructor(
    private readonly model: ClusterModel,
    private readonly serviceReplicas: readonly (readonly Replica[])[],
  ) {
    this.networkSeconds = model.networkLatency === null ? 0 : 2 * model.networkLatency.mean;
    const sum = new Float64Array(model.services.length);
    const count = new Float64Array(model.services.length);
    for (const node of model.callNodes) {
      const blocking = model.services[node.service]!.blocking;
      sum[node.service]! += node.meanCpuSeconds + (blocking ? this.childrenNoLoad(node) : 0);
      count[node.service]!++;
    }
    this.holdSeconds = sum.map((x, s) => (count[s]! > 0 ? x / count[s]! : 0));
  }

  /**
   * Whether a request of `api` arriving now may be admitted with deadline-admission
   * `slack` (in [0, 1), or Infinity: off) by tenant `tenant`'s SLO latency.
   */
  admits(api: number, slack: number, tenant: number): boolean {
    if (slack === Infinity) return true;
    const deadline = (1 - slack) * this.model.tenants[tenant]!.spec.slo.latency;
    return this.predictSeconds(this.model.apiRoots[api]!) <= deadline;
  }

  /** Predicted latency in seconds of a call to `node` made now. */
  predictSeconds(node: CallNode): number {
    let t = this.waitSeconds(node.service) + node.meanCpuSeconds + this.networkSeconds;
    for (const step of node.steps) {
      let slowest = 0;
      for (const child of step) slowest = Math.max(slowest, this.predictSeconds(child));
      t += slowest;
    }
    return t;
  }

  /** Predicted seconds a hop arriving now at service `s` waits for a worker. */
  waitSeconds(s: number): number {
    let queued = 0;
    let busy = 0;
    let workers = 0;
    for (const r of this.serviceReplicas[s]!) {
      if (!r.up) continue;
      queued += r.queue.length;
      busy += r.busyWorkers;
      workers += r.workers;
    }
    if (workers === 0) return Infinity;
    if (busy < workers && queued === 0) return 0;
    return ((queued + 1) * this.holdSeconds[s]!) / workers;
  }

  private childrenNoLoad(node: CallNode): number {
    let t = 0;
    for (const step of node.steps) {
      let slowest = 0;
      for (const child of step) {
        const own = child.meanCpuSeconds + this.networkSeconds + this.childrenNoLoad(child);
        slowest = Math.max(slowest, own);
      }
      t += slowest;
    }
    return t;
  }
}
