/**
 * The runtime model compiled from a validated `Scenario`: names become indices,
 * distribution specs become `Distribution` objects, and each call-tree node becomes a
 * `CallNode` the simulator walks without lookups.
 */
import type { ArrivalProcess } from './arrival-process.js';
import { PoissonArrivals } from './arrival-process.js';
import type { Distribution } from './distribution.js';
import { createDistribution } from './distributions.js';
import type { CallSpec, Scenario, ServiceSpec, TenantSpec } from './scenario/types.js';

export interface CallNode {
  /** Dense index over every node of every API. */
  readonly id: number;
  readonly service: number;
  readonly work: Distribution;
  readonly postWork: Distribution | null;
  /** Sequential steps of parallel child calls. */
  readonly steps: readonly (readonly CallNode[])[];
  /** Seconds the caller waits before giving up on this call (Infinity: forever). */
  readonly timeoutSeconds: number;
  readonly retries: number;
  /** Profiled mean CPU seconds of this hop (work + postWork): the schedulers' cost estimate. */
  readonly meanCpuSeconds: number;
}

export interface TenantModel {
  readonly index: number;
  readonly spec: TenantSpec;
  readonly arrivals: ArrivalProcess;
  /** API indices of the tenant's mix and their cumulative probabilities. */
  readonly apis: Int32Array;
  readonly apiCdf: Float64Array;
}

export interface ClusterModel {
  readonly scenario: Scenario;
  readonly services: readonly ServiceSpec[];
  readonly apiNames: readonly string[];
  readonly apiRoots: readonly CallNode[];
  readonly tenants: readonly TenantModel[];
  readonly callNodes: readonly CallNode[];
  /** One-way network latency per RPC hop, or null for none. */
  readonly networkLatency: Distribution | null;
}

/** Compiles a validated scenario; throws only on inconsistencies the loader should have caught. */
export function compileModel(scenario: Scenario): ClusterModel {
  const file = scenario.source;
  const serviceIndex = new Map(scenario.services.map((s, i) => [s.name, i]));
  const callNodes: CallNode[] = [];

  const compileCall = (spec: CallSpec, path: string): CallNode => {
    const service = serviceIndex.get(spec.service);
    if (service === undefined) throw new Error(`unknown service ${spec.service} at ${path}`);
    const work = createDistribution(spec.work, { file, path: `${path}.work` });
    const postWork = spec.postWork
      ? createDistribution(spec.postWork, { file, path: `${path}.postWork` })
      : null;
    const steps = spec.steps.map((step, i) =>
      step.map((child, j) =>
        compileCall(child, `${path}.calls[${i}]${step.length > 1 ? `.parallel[${j}]` : ''}`),
      ),
    );
    const node: CallNode = {
      id: callNodes.length,
      service,
      work,
      postWork,
      steps,
      timeoutSeconds: spec.timeout ?? Infinity,
      retries: spec.retries,
      meanCpuSeconds: work.mean + (postWork?.mean ?? 0),
    };
    callNodes.push(node);
    return node;
  };

  const apiRoots = scenario.apis.map((api) => compileCall(api.call, `apis.${api.name}.call`));
  const apiIndex = new Map(scenario.apis.map((a, i) => [a.name, i]));
  const tenants = scenario.tenants.map((spec, index): TenantModel => {
    const total = spec.requests.reduce((sum, r) => sum + r.weight, 0);
    const apis = new Int32Array(spec.requests.map((r) => apiIndex.get(r.api) ?? -1));
    const apiCdf = new Float64Array(spec.requests.length);
    let acc = 0;
    spec.requests.forEach((r, i) => {
      acc += r.weight / total;
      apiCdf[i] = acc;
    });
    apiCdf[apiCdf.length - 1] = 1;
    return { index, spec, arrivals: new PoissonArrivals(spec.arrivals.rate), apis, apiCdf };
  });
  const networkLatency = scenario.network.latency
    ? createDistribution(scenario.network.latency, { file, path: 'network.latency' })
    : null;
  return {
    scenario,
    services: scenario.services,
    apiNames: scenario.apis.map((a) => a.name),
    apiRoots,
    tenants,
    callNodes,
    networkLatency,
  };
}
