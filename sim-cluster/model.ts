/**
 * The runtime model compiled from a validated `Scenario`: names become indices,
 * distribution specs become `Distribution` objects, each call-tree node becomes a
 * `CallNode` the simulator walks without lookups, and each caller's timeout and retry
 * behaviour becomes a `CallPolicy`.
 *
 * A model is immutable and holds no run state, so one model can drive many simulations.
 * Arrival processes do hold state; `tenantArrivals` creates fresh ones per run.
 */
import { createArrivalProcess, type ArrivalProcess } from './arrivals/index.js';
import type { Distribution } from './distribution.js';
import { createDistribution } from './distributions.js';
import type { CallPolicy } from './retry.js';
import type { CallSpec, ClientSpec, Scenario, ServiceSpec, TenantSpec } from './scenario/types.js';

export interface CallNode {
  /** Dense index over every node of every API. */
  readonly id: number;
  readonly service: number;
  readonly work: Distribution;
  readonly postWork: Distribution | null;
  /** Sequential steps of parallel child calls. */
  readonly steps: readonly (readonly CallNode[])[];
  /** The caller's timeout, retries, backoff and retry budget for this call. */
  readonly policy: CallPolicy;
  /** Profiled mean CPU seconds of this hop (work + postWork): the schedulers' cost estimate. */
  readonly meanCpuSeconds: number;
}

export interface TenantModel {
  readonly index: number;
  readonly spec: TenantSpec;
  /** API indices of the tenant's mix and their cumulative probabilities. */
  readonly apis: Int32Array;
  readonly apiCdf: Float64Array;
  /** The tenant's own client policy for root calls, or null to use each API's. */
  readonly clientPolicy: CallPolicy | null;
  /** Closed-loop clients, or null for an open-loop arrival process. */
  readonly closedLoop: { readonly users: number; readonly thinkTime: Distribution } | null;
}

export interface ClusterModel {
  readonly scenario: Scenario;
  readonly services: readonly ServiceSpec[];
  readonly serviceIndex: ReadonlyMap<string, number>;
  readonly apiNames: readonly string[];
  readonly apiIndex: ReadonlyMap<string, number>;
  readonly apiRoots: readonly CallNode[];
  readonly tenants: readonly TenantModel[];
  readonly callNodes: readonly CallNode[];
  /** Every call policy (call nodes' and tenants' clients'), by `policy.index`. */
  readonly policies: readonly CallPolicy[];
  /** One-way network latency per RPC hop, or null for none. */
  readonly networkLatency: Distribution | null;
}

/** Compiles a validated scenario; throws only on inconsistencies the loader should have caught. */
export function compileModel(scenario: Scenario): ClusterModel {
  const file = scenario.source;
  const serviceIndex = new Map(scenario.services.map((s, i) => [s.name, i]));
  const apiIndex = new Map(scenario.apis.map((a, i) => [a.name, i]));
  const callNodes: CallNode[] = [];
  const policies: CallPolicy[] = [];
  const policyOf = (spec: CallSpec | ClientSpec): CallPolicy => {
    const policy: CallPolicy = {
      index: policies.length,
      timeoutSeconds: spec.timeout ?? Infinity,
      retries: spec.retries,
      backoff: spec.backoff ?? null,
      budget: spec.retryBudget ?? null,
    };
    policies.push(policy);
    return policy;
  };

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
      policy: policyOf(spec),
      meanCpuSeconds: work.mean + (postWork?.mean ?? 0),
    };
    callNodes.push(node);
    return node;
  };

  const apiRoots = scenario.apis.map((api) => compileCall(api.call, `apis.${api.name}.call`));
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
    const arrivals = spec.arrivals;
    const closedLoop =
      arrivals.process === 'closed'
        ? {
            users: arrivals.users,
            thinkTime: createDistribution(arrivals.thinkTime, {
              file,
              path: `tenants.${spec.name}.arrivals.thinkTime`,
            }),
          }
        : null;
    return {
      index,
      spec,
      apis,
      apiCdf,
      clientPolicy: spec.client ? policyOf(spec.client) : null,
      closedLoop,
    };
  });
  const networkLatency = scenario.network.latency
    ? createDistribution(scenario.network.latency, { file, path: 'network.latency' })
    : null;
  return {
    scenario,
    services: scenario.services,
    serviceIndex,
    apiNames: scenario.apis.map((a) => a.name),
    apiIndex,
    apiRoots,
    tenants,
    callNodes,
    policies,
    networkLatency,
  };
}

/** Fresh open-loop arrival processes for one run (null for closed-loop tenants). */
export function tenantArrivals(model: ClusterModel): (ArrivalProcess | null)[] {
  return model.tenants.map((t) => createArrivalProcess(t.spec.arrivals, model.apiIndex));
}
