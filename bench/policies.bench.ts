/**
 * Policy decision speed: the time of one `decide` for 16 tenants and 30 services, for
 * every registered policy (issue 6's target: under 1 ms each). Signals are synthetic but
 * fully populated, with load varying per window so stateful policies do real work.
 */
import Benchmark from 'benchmark';
import type { BenchFigure } from './run.js';
import { createPolicy, policyEntries } from '../policies/registry.js';
import type { Signals } from '../sim-cluster/signals.js';
import { REJECT_REASONS } from '../sim-cluster/enforcement.js';

export const name = 'policies: one decision, 16 tenants × 30 services';

function signalsFor(window: number, tenants = 16, services = 30): Signals {
  const load = 1 + 0.5 * Math.sin(window / 3);
  const rejectedByReason = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<
    (typeof REJECT_REASONS)[number],
    number
  >;
  return {
    window,
    startSeconds: window,
    endSeconds: window + 1,
    measured: true,
    decisionEpoch: window,
    tenants: Array.from({ length: tenants }, (_, i) => ({
      name: `t${i}`,
      weight: 1 + (i % 3),
      slo: { latency: 0.05, percentile: 99 },
      guaranteedRate: i % 2 === 0 ? 100 : null,
      offered: Math.round(100 * load * (1 + i / 8)),
      admitted: Math.round(95 * load * (1 + i / 8)),
      rejected: 5,
      rejectedByReason,
      completed: Math.round(90 * load * (1 + i / 8)),
      failed: 1,
      timedOut: window % 4 === 0 ? 1 : 0,
      retries: 2,
      goodput: Math.round(85 * load * (1 + i / 8)),
      entitlement: 100,
      latency: { count: 90, mean: 0.02, p50: 0.015, p90: 0.04, p99: 0.03 + 0.03 * load, max: 0.2 },
    })),
    services: Array.from({ length: services }, (_, s) => ({
      name: `s${s}`,
      replicas: 2,
      replicasUp: 2,
      cores: 4,
      workers: 8,
      utilization: 0.5 + 0.4 * Math.sin(window + s),
      meanQueueLength: 3 * load,
      queueLength: 3,
      meanWait: 0.01 * load * (1 + (s % 5)),
      throughput: 500 * load,
      rejected: 2,
      tenants: Array.from({ length: tenants }, (_, i) => ({
        hops: 30 + i,
        rejected: 1,
        meanQueueWait: 0.005 * load,
        cpuSeconds: 0.002 * (30 + i) * (1 + (s % 3)),
        outstanding: 2,
      })),
    })),
  };
}

export async function run(): Promise<BenchFigure[]> {
  const windows = Array.from({ length: 64 }, (_, w) => signalsFor(w));
  const figures: BenchFigure[] = [];
  for (const entry of policyEntries()) {
    const policy = createPolicy(entry.name);
    let w = 0;
    const bench = new Benchmark(entry.name, () => {
      policy.decide(windows[w++ & 63]!);
    });
    await new Promise<void>((resolve) => {
      bench.on('complete', () => resolve());
      bench.run({ async: false, maxTime: 0.5 });
    });
    figures.push({
      label: `decide: ${entry.name}`,
      value: bench.stats.mean * 1e6,
      unit: 'µs',
      target: '< 1000 µs',
    });
  }
  return figures;
}
