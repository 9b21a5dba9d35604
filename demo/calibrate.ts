/**
 * `governor calibrate`: measure the real demo, write it as a scenario, and check the
 * simulator's predictions against the real system.
 *
 * 1. A low-load run (no control) records, in every service, how long each hop held a
 *    worker (its CPU burst and I/O wait, timed inside the handler) and, for every call,
 *    the caller's time minus the callee's own handler time — the network and HTTP
 *    overhead of the hop (at the ingress: the load generator's latency minus the
 *    frontend's handler time, which includes the generator's send lag).
 * 2. The scenario gets each service's work as an empirical distribution of the measured
 *    holds (quantiles) and a one-way network latency of half the measured per-call
 *    overhead (the simulator adds it on the request and on the response), so queueing
 *    and fan-out are the simulator's own.
 * 3. At each load level the real demo runs again, and the simulator replays the very
 *    arrivals the load generator sent (a trace) on the calibrated scenario; p50, p99 and
 *    throughput of all requests are compared.
 */
import { LatencyHistogram } from '../sim-cluster/histogram.js';
import { compileModel } from '../sim-cluster/model.js';
import { parseScenario } from '../sim-cluster/scenario/parse-scenario.js';
import type { DistributionSpec, Scenario } from '../sim-cluster/scenario/types.js';
import { Simulation } from '../sim-cluster/simulation.js';
import { createPolicy } from '../policies/registry.js';
import type { ProcessGroup } from './processes.js';
import { runPhase, type PhaseResult } from './run-phase.js';
import type { LoadResult } from './slo-tally.js';
import { bottleneckUtilization, demoScenarioYaml, type DemoTopology } from './topology.js';

/** Points kept of a measured distribution (its quantiles at (i + ½) / n). */
export const QUANTILE_POINTS = 200;

export interface CalibrateOptions {
  readonly topology: DemoTopology;
  /** Bottleneck utilisation of the low-load run. */
  readonly lowUtilization: number;
  /** Bottleneck utilisations to compare at. */
  readonly levels: readonly number[];
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly seed: number;
  /** Simulator seeds averaged per level. */
  readonly simSeeds: number;
  readonly group: ProcessGroup;
  readonly log: (line: string) => void;
}

export interface ServiceCalibration {
  readonly service: string;
  readonly hops: number;
  readonly meanWorkSeconds: number;
  readonly cvWork: number;
  /** Process CPU seconds per hop (HTTP handling included). */
  readonly cpuSecondsPerHop: number;
}

export interface LevelComparison {
  readonly utilization: number;
  readonly offeredPerSecond: number;
  readonly real: { readonly p50: number; readonly p99: number; readonly throughput: number };
  readonly sim: { readonly p50: number; readonly p99: number; readonly throughput: number };
}

export interface CalibrationResult {
  readonly yaml: string;
  readonly services: readonly ServiceCalibration[];
  readonly meanOverheadSeconds: number;
  readonly levels: readonly LevelComparison[];
}

/** `values` reduced to `points` quantiles, as an empirical distribution (seconds ≥ 1 µs). */
export function empiricalOf(values: readonly number[], points = QUANTILE_POINTS): DistributionSpec {
  if (values.length === 0) return { dist: 'constant', value: 1e-6 };
  const sorted = Float64Array.from(values).sort();
  const n = Math.min(points, sorted.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor(((i + 0.5) / n) * sorted.length))]!;
    out.push(Math.max(1e-6, Number(v.toPrecision(4))));
  }
  return { dist: 'empirical', values: out };
}

function meanCv(values: readonly number[]): { mean: number; cv: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, cv: 0 };
  const mean = values.reduce((a, v) => a + v, 0) / n;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
  return { mean, cv: mean > 0 ? Math.sqrt(variance) / mean : 0 };
}

/** The calibrated scenario from a low-load run. */
export function fitScenario(
  topology: DemoTopology,
  run: PhaseResult,
  options: { readonly durationSeconds: number; readonly warmupSeconds: number },
): { yaml: string; services: ServiceCalibration[]; meanOverheadSeconds: number } {
  const work: Record<string, DistributionSpec> = {};
  const services: ServiceCalibration[] = [];
  for (const s of run.services) {
    work[s.service] = empiricalOf(s.workSeconds);
    const { mean, cv } = meanCv(s.workSeconds);
    services.push({
      service: s.service,
      hops: s.hops,
      meanWorkSeconds: mean,
      cvWork: cv,
      cpuSecondsPerHop: s.hops > 0 ? s.cpuSeconds / s.hops : 0,
    });
  }
  const overhead = [...run.load.overheadSeconds, ...run.services.flatMap((s) => s.overheadSeconds)];
  const oneWay = overhead.map((o) => Math.max(0, o / 2));
  const yaml = demoScenarioYaml(topology, {
    work,
    networkLatency: empiricalOf(oneWay),
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
  });
  return { yaml, services, meanOverheadSeconds: meanCv(overhead).mean };
}

/** The scenario with every tenant's arrivals replaced by what the load generator sent. */
export function replayScenario(scenario: Scenario, load: LoadResult): Scenario {
  return {
    ...scenario,
    tenants: scenario.tenants.map((t, ti) => ({
      ...t,
      arrivals: {
        process: 'trace',
        file: '<load generator>',
        timeScale: 1,
        rows: load.arrivals.at.flatMap((at, i) =>
          load.arrivals.tenant[i] === ti ? [{ at, api: load.arrivals.api[i]! }] : [],
        ),
      },
    })),
  };
}

/** Simulated p50, p99 (all tenants) and throughput, mean over `seeds` runs. */
export function predict(scenario: Scenario, seeds: number): LevelComparison['sim'] {
  let p50 = 0;
  let p99 = 0;
  let throughput = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const sim = new Simulation(compileModel(scenario), { seed });
    sim.run();
    const all = new LatencyHistogram();
    for (const t of sim.tenantStats) all.merge(t.latency);
    p50 += all.percentile(50) / seeds;
    p99 += all.percentile(99) / seeds;
    throughput += all.count / scenario.duration / seeds;
  }
  return { p50, p99, throughput };
}

export async function calibrate(o: CalibrateOptions): Promise<CalibrationResult> {
  const u1 = bottleneckUtilization(o.topology);
  const run = (label: string, utilization: number) =>
    runPhase({
      label,
      topology: o.topology,
      policy: createPolicy('none'),
      scale: utilization / u1,
      warmupSeconds: o.warmupSeconds,
      durationSeconds: o.durationSeconds,
      seed: o.seed,
      group: o.group,
      log: o.log,
    });
  o.log(`low-load run at ${(o.lowUtilization * 100).toFixed(0)}% of the bottleneck`);
  const low = await run('low load', o.lowUtilization);
  const fitted = fitScenario(o.topology, low, o);
  const calibrated = parseScenario(fitted.yaml, '<calibrated demo>');
  const levels: LevelComparison[] = [];
  for (const level of o.levels) {
    o.log(`level ${(level * 100).toFixed(0)}% of the bottleneck`);
    const real = await run(`level ${level}`, level);
    const sim = predict(replayScenario(calibrated, real.load), o.simSeeds);
    levels.push({
      utilization: level,
      offeredPerSecond:
        real.load.arrivals.at.filter((a) => a >= o.warmupSeconds).length / o.durationSeconds,
      real: real.load.all,
      sim,
    });
  }
  return { ...fitted, levels };
}
