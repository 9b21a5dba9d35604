/**
 * An upper bound on the run score from a fluid model of capacity and demand: the best
 * any controller could do with the cluster's CPU, whatever it rate-limits, schedules or
 * sheds.
 *
 * Model. Requests are fluid. Tenant t's request costs d[t][s] CPU seconds at service s:
 * its API mix's mean CPU per request (work + postWork of every hop of the call tree at
 * s, from the scenario's profiled means). In window k, tenant t offers o[t][k] requests
 * and service s has C[s][k] = cores × replicas up × window seconds of CPU. A controller
 * chooses how many requests x[t][k] ≤ o[t][k] it serves in time, subject to
 * Σ_t x[t][k]·d[t][s] ≤ C[s][k] for every service. The run score is
 * Σ_t w_t·min(1, Σ_k x[t][k] / E_t) / Σ_t w_t (E_t: the tenant's entitlement over the
 * run; a tenant owed nothing scores 1).
 *
 * Bound (Lagrangian relaxation of the per-tenant caps). With v_t = w_t/E_t the score
 * is at most Σ_t v_t·min(E_t, X_t). For any multipliers 0 ≤ μ_t ≤ v_t, weak duality gives
 *   OPT ≤ Σ_t μ_t·E_t + Σ_k max { Σ_t (v_t − μ_t)·x[t][k] : x feasible in window k },
 * and keeping a single service's constraint only raises each window's LP, to a
 * fractional knapsack solved exactly by greedy water-filling in order of value per CPU
 * second; the smallest over services bounds the window. Every μ gives a valid bound;
 * coordinate-wise golden-section search over μ (the dual is convex) makes it tight.
 * μ_t = 0 lets tenant t's overflow count; μ_t = v_t counts it as fully served for free.
 *
 * Assumptions (each makes the bound looser, never invalid): no queueing delay, so every
 * request served in time meets its SLO; no retries, network latency, worker-pool limits
 * or load imbalance; faults that steal cores (noisy neighbours) or slow work are not
 * seen, only replicas that are down. Exact when one service is the bottleneck of every
 * window and no tenant is served beyond its entitlement.
 */
import type { CallNode, ClusterModel } from '../sim-cluster/model.js';

/** One measured control window as the fluid model sees it. */
export interface FluidWindow {
  /** Requests offered per tenant in the window. */
  readonly offered: readonly number[];
  /** CPU core-seconds available per service in the window. */
  readonly capacityCoreSeconds: readonly number[];
}

export interface FluidProblem {
  /** CPU seconds per request, [tenant][service]. */
  readonly demand: readonly (readonly number[])[];
  readonly weights: readonly number[];
  /** Entitlement over the run per tenant (requests). */
  readonly entitlements: readonly number[];
  readonly windows: readonly FluidWindow[];
}

/** Adds the mean CPU seconds of `node`'s subtree to `out[service]`. */
function addTreeCpu(node: CallNode, scale: number, out: number[]): void {
  out[node.service] = (out[node.service] ?? 0) + scale * node.meanCpuSeconds;
  for (const step of node.steps) for (const child of step) addTreeCpu(child, scale, out);
}

/** Mean CPU seconds per request of each tenant at each service, [tenant][service]. */
export function tenantDemands(model: ClusterModel): number[][] {
  return model.tenants.map((tenant) => {
    const out = new Array<number>(model.services.length).fill(0);
    let previous = 0;
    tenant.apis.forEach((api, i) => {
      const cdf = tenant.apiCdf[i]!;
      addTreeCpu(model.apiRoots[api]!, cdf - previous, out);
      previous = cdf;
    });
    return out;
  });
}

/**
 * The fractional knapsack of one service in one window: the most value Σ v_t·x_t with
 * 0 ≤ x_t ≤ offered_t and Σ x_t·cost_t ≤ capacity, by filling in order of v_t / cost_t.
 */
export function fractionalKnapsack(
  values: readonly number[],
  costs: readonly number[],
  offered: readonly number[],
  capacity: number,
): number {
  let total = 0;
  let left = capacity;
  const order = values
    .map((v, t) => ({ t, density: costs[t]! > 0 ? v / costs[t]! : Infinity }))
    .filter(({ t }) => values[t]! > 0 && offered[t]! > 0)
    .sort((a, b) => b.density - a.density || a.t - b.t);
  for (const { t } of order) {
    const cost = costs[t]!;
    const x = cost > 0 ? Math.min(offered[t]!, Math.max(left, 0) / cost) : offered[t]!;
    total += values[t]! * x;
    left -= x * cost;
  }
  return total;
}

/** Σ_k of the window bounds for per-request values `values` (min over services). */
function windowsValue(values: readonly number[], problem: FluidProblem): number {
  const { demand, windows } = problem;
  const services = demand[0]?.length ?? 0;
  const costsBy = Array.from({ length: services }, (_, s) => demand.map((row) => row[s]!));
  let total = 0;
  for (const window of windows) {
    let best = Infinity;
    for (let s = 0; s < services; s++) {
      const v = fractionalKnapsack(
        values,
        costsBy[s]!,
        window.offered,
        window.capacityCoreSeconds[s]!,
      );
      if (v < best) best = v;
    }
    total +=
      services > 0
        ? best
        : fractionalKnapsack(
            values,
            values.map(() => 0),
            window.offered,
            0,
          );
  }
  return total;
}

/** Sweeps of coordinate descent and golden-section steps per coordinate. */
const SWEEPS = 4;
const GOLDEN_STEPS = 24;
/** Bounds this close to 1 are 1. */
const ROUNDING = 1e-9;

/** The bound on the run score, in [0, 1] (1 when the model leaves room for everyone). */
export function fluidScoreBound(problem: FluidProblem): number {
  const { weights, entitlements } = problem;
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  if (totalWeight <= 0) return 1;
  let free = 0; // tenants owed nothing score 1 whatever happens
  const v = weights.map((w, t) => {
    const e = entitlements[t]!;
    if (e > 0) return w / e;
    free += w;
    return 0;
  });
  const mu = v.map(() => 0);
  const dual = (m: readonly number[]) =>
    m.reduce((a, x, t) => a + x * entitlements[t]!, 0) +
    windowsValue(
      v.map((x, t) => Math.max(0, x - m[t]!)),
      problem,
    );
  let best = dual(mu);
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let t = 0; t < v.length; t++) {
      if (v[t] === 0) continue;
      const at = (x: number) => dual(mu.map((m, i) => (i === t ? x : m)));
      let lo = 0;
      let hi = v[t]!;
      let a = hi - ratio * (hi - lo);
      let b = lo + ratio * (hi - lo);
      let fa = at(a);
      let fb = at(b);
      for (let i = 0; i < GOLDEN_STEPS; i++) {
        if (fa <= fb) {
          hi = b;
          b = a;
          fb = fa;
          a = hi - ratio * (hi - lo);
          fa = at(a);
        } else {
          lo = a;
          a = b;
          fa = fb;
          b = lo + ratio * (hi - lo);
          fb = at(b);
        }
      }
      // Keep the best point seen, the ends included (the dual is piecewise linear).
      for (const x of [lo, hi, a, b, 0, v[t]!]) {
        const f = at(x);
        if (f < best) {
          best = f;
          mu[t] = x;
        }
      }
    }
  }
  const bound = (free + best) / totalWeight;
  return bound >= 1 - ROUNDING ? 1 : bound; // sums of many windows' shares round below 1
}
