/**
 * Completion-time prediction for proactive admission, after Clockwork (Gujarati et al.,
 * OSDI 2020): predict when a request would finish from profiled service times and the
 * queues as they are now, and turn it away at the ingress if it would miss its deadline,
 * instead of letting it time out late.
 *
 * The prediction walks the API's call tree and keeps the mean and the variance of the
 * latency, so that variable work is predicted conservatively: a hop's latency is the
 * wait for a worker at its service, plus its profiled CPU work (the distributions' exact
 * mean and variance) stretched by processor sharing — (computing hops + 1) ÷ cores when
 * more hops compute than the service has cores — plus, for each sequential step of
 * child calls, the child whose latency quantile is highest, plus the mean network
 * latency both ways. The wait at a service whose W workers are all busy is the time for
 * k = queued + 1 hops to leave them: k holding times shared by W workers, mean k·h / W
 * and variance k·v / W² (exact for exponential holding times, where departures are
 * Poisson at W / h). A holding time is the hop's stretched CPU work plus, at a blocking
 * service, the no-load latency of the children it waits on; h and v are its mean and
 * variance over the call sites of the service. Means and variances add along the path
 * (independent terms), and the request is admitted if the latency's quantile at the
 * tenant's SLO percentile P — mean + z_P · standard deviation, normal approximation —
 * is within the deadline.
 *
 * Simplifications: profiles are the scenario's distributions (Clockwork profiles
 * per-batch execution times online); queues of later hops are read now, not when the
 * request reaches them; slowdown faults are not predicted (cores taken away are); a work
 * distribution without a finite variance counts with a squared coefficient of variation
 * of `HEAVY_TAIL_CV2`.
 */
import type { Distribution } from './distribution.js';
import type { CallNode, ClusterModel } from './model.js';
import type { Replica } from './replica.js';

/** Squared coefficient of variation assumed for work without a finite variance. */
export const HEAVY_TAIL_CV2 = 16;

function variance(d: Distribution | null): number {
  if (d === null) return 0;
  return Number.isFinite(d.variance) ? d.variance : HEAVY_TAIL_CV2 * d.mean * d.mean;
}

/** Standard normal quantile Φ⁻¹(p) for p in (0, 1) (Acklam's rational approximation, |ε| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p <= 0 ? -Infinity : Infinity;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low || p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(p < low ? p : 1 - p));
    const x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    return p < low ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

export class LatencyPredictor {
  /**
   * Per service, over its call sites: mean and variance of the CPU seconds of a hop, and
   * of the no-load seconds a blocking hop waits on its children (0 when non-blocking).
   */
  private readonly holdCpu: Float64Array;
  private readonly holdCpuVariance: Float64Array;
  private readonly holdChildren: Float64Array;
  private readonly holdChildrenVariance: Float64Array;
  /** Per call node: variance of its CPU work (work + postWork). */
  private readonly cpuVariance: Float64Array;
  /** Per tenant: z at its SLO percentile. */
  private readonly z: Float64Array;
  private readonly networkSeconds: number;
  /** The variance of the last `predictMean` (kept in a field: no allocation per arrival). */
  private lastVariance = 0;

  constructor(
    private readonly model: ClusterModel,
    private readonly serviceReplicas: readonly (readonly Replica[])[],
  ) {
    this.networkSeconds = model.networkLatency === null ? 0 : 2 * model.networkLatency.mean;
    this.cpuVariance = new Float64Array(model.callNodes.length);
    for (const node of model.callNodes)
      this.cpuVariance[node.id] = variance(node.work) + variance(node.postWork);
    const n = model.services.length;
    const sum = new Float64Array(n);
    const sumSquares = new Float64Array(n);
    const sumChildren = new Float64Array(n);
    const sumChildrenSquares = new Float64Array(n);
    const count = new Float64Array(n);
    for (const node of model.callNodes) {
      const s = node.service;
      const [childMean, childVar] = model.services[s]!.blocking
        ? this.childrenNoLoad(node)
        : [0, 0];
      sum[s]! += node.meanCpuSeconds;
      sumSquares[s]! += this.cpuVariance[node.id]! + node.meanCpuSeconds ** 2;
      sumChildren[s]! += childMean;
      sumChildrenSquares[s]! += childVar + childMean ** 2;
      count[s]!++;
    }
    const mean = (x: Float64Array) => x.map((v, s) => (count[s]! > 0 ? v / count[s]! : 0));
    this.holdCpu = mean(sum);
    this.holdChildren = mean(sumChildren);
    const squares = mean(sumSquares);
    const childSquares = mean(sumChildrenSquares);
    this.holdCpuVariance = squares.map((x, s) => Math.max(0, x - this.holdCpu[s]! ** 2));
    this.holdChildrenVariance = childSquares.map((x, s) =>
      Math.max(0, x - this.holdChildren[s]! ** 2),
    );
    this.z = Float64Array.from(model.tenants, (t) => normalQuantile(t.spec.slo.percentile / 100));
  }

  /**
   * Whether a request of `api` arriving now may be admitted with deadline-admission
   * `slack` (in [0, 1), or Infinity: off) by tenant `tenant`'s SLO latency.
   */
  admits(api: number, slack: number, tenant: number): boolean {
    if (slack === Infinity) return true;
    const deadline = (1 - slack) * this.model.tenants[tenant]!.spec.slo.latency;
    return this.predictSeconds(this.model.apiRoots[api]!, this.z[tenant]!) <= deadline;
  }

  /** Predicted latency in seconds of a call to `node` made now, at the quantile of normal score `z` (0: the mean). */
  predictSeconds(node: CallNode, z = 0): number {
    const mean = this.predictMean(node, z);
    return mean + Math.max(0, z) * Math.sqrt(this.lastVariance);
  }

  /** Mean latency of a call to `node` made now; its variance is left in `lastVariance`. */
  private predictMean(node: CallNode, z: number): number {
    const s = node.service;
    const k = this.inspect(s);
    if (k < 0) return Infinity;
    // CPU work runs stretched by processor sharing when more hops compute than cores.
    const stretch = this.stretch;
    let mean = node.meanCpuSeconds * stretch + this.networkSeconds;
    let v = this.cpuVariance[node.id]! * stretch * stretch;
    if (k > 0) {
      // k hops must leave the W workers, each holding for (stretched CPU + children).
      const w = this.workersUp;
      mean += (k * (this.holdCpu[s]! * stretch + this.holdChildren[s]!)) / w;
      v +=
        (k * (this.holdCpuVariance[s]! * stretch * stretch + this.holdChildrenVariance[s]!)) /
        (w * w);
    }
    for (const step of node.steps) {
      let bestMean = 0;
      let bestVar = 0;
      let best = -Infinity;
      for (const child of step) {
        const m = this.predictMean(child, z);
        const q = m + Math.max(0, z) * Math.sqrt(this.lastVariance);
        if (q > best) {
          best = q;
          bestMean = m;
          bestVar = this.lastVariance;
        }
      }
      mean += bestMean;
      v += bestVar;
    }
    this.lastVariance = v;
    return mean;
  }

  /** Up workers of the service last inspected, and its CPU stretch (≥ 1). */
  private workersUp = 0;
  private stretch = 1;

  /**
   * Reads service `s`'s replicas now: returns the hops that must leave its workers
   * before one arriving now starts (0 when a worker is free and nobody waits, queued + 1
   * otherwise, −1 when no replica is up), and sets `workersUp` and `stretch` — the factor
   * by which processor sharing slows a hop's CPU work (computing hops + 1 over cores).
   */
  private inspect(s: number): number {
    let queued = 0;
    let busy = 0;
    let workers = 0;
    let computing = 0;
    let cores = 0;
    for (const r of this.serviceReplicas[s]!) {
      if (!r.up) continue;
      queued += r.queue.length;
      busy += r.busyWorkers;
      workers += r.workers;
      computing += r.computing;
      cores += r.cores;
    }
    this.workersUp = workers;
    if (workers === 0 || cores <= 0) return -1;
    this.stretch = Math.max(1, (Math.min(computing, workers - 1) + 1) / cores);
    if (busy < workers && queued === 0) return 0;
    return queued + 1;
  }

  /** Mean and variance of the latency of `node`'s children with no load. */
  private childrenNoLoad(node: CallNode): [number, number] {
    let mean = 0;
    let v = 0;
    for (const step of node.steps) {
      let slowest = 0;
      let slowestVar = 0;
      for (const child of step) {
        const [m, cv] = this.childrenNoLoad(child);
        const own = child.meanCpuSeconds + this.networkSeconds + m;
        if (own > slowest) [slowest, slowestVar] = [own, this.cpuVariance[child.id]! + cv];
      }
      mean += slowest;
      v += slowestVar;
    }
    return [mean, v];
  }
}
