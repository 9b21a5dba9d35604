/**
 * Simulator throughput: the 10-station M/M/4 tandem of BASELINES.md (SimPy 2 runs it at
 * about 0.13 M request-hops/s on these machines; a tight hand-written loop at about 6.5 M).
 */
import { cpus, loadavg } from 'node:os';
import type { BenchFigure } from './run.js';
import { compileModel } from '../sim-cluster/model.js';
import type { CallSpec, Scenario } from '../sim-cluster/scenario/types.js';
import { Simulation } from '../sim-cluster/simulation.js';

export const name = 'sim-cluster: discrete-event simulator';

/** Ten M/M/4 stations in series: Poisson 320/s, exponential 10 ms work, non-blocking, FIFO. */
export function tandemScenario(stations: number, durationSeconds: number): Scenario {
  let chain: CallSpec | undefined;
  for (let i = stations; i >= 1; i--) {
    chain = {
      service: `s${i}`,
      work: { dist: 'exponential', mean: 0.01 },
      steps: chain ? [[chain]] : [],
      retries: 0,
    };
  }
  return {
    name: `tandem-${stations}x-mm4`,
    duration: durationSeconds,
    warmup: 0,
    seed: 1,
    controlInterval: 1,
    network: {},
    services: Array.from({ length: stations }, (_, i) => ({
      name: `s${i + 1}`,
      replicas: 1,
      workers: 4,
      cores: 4,
      blocking: false,
      scheduler: 'fifo' as const,
      queueCapacity: Infinity,
      loadBalancer: 'round-robin' as const,
    })),
    apis: [{ name: 'chain', call: chain! }],
    tenants: [
      {
        name: 't1',
        arrivals: { process: 'poisson', rate: 320 },
        requests: [{ api: 'chain', weight: 1 }],
        slo: { latency: 1, percentile: 99 },
        weight: 1,
      },
    ],
    faults: [],
    source: '<bench>',
  };
}

interface TandemRun {
  readonly hopsPerSecond: number;
  /** Hops per CPU second of the process: steadier than wall clock when others load the machine. */
  readonly hopsPerCpuSecond: number;
  readonly heapMiB: number;
}

function runTandem(durationSeconds: number): TandemRun {
  const scenario = tandemScenario(10, durationSeconds);
  const sim = new Simulation(compileModel(scenario));
  const cpuStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  sim.run();
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  let hops = 0;
  for (const s of sim.serviceStats) hops += s.hopsCompleted;
  // With --expose-gc (npm run bench), measure live memory, not uncollected garbage.
  globalThis.gc?.();
  return {
    hopsPerSecond: hops / wall,
    hopsPerCpuSecond: hops / ((cpu.user + cpu.system) / 1e6),
    heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
  };
}

export async function run(): Promise<BenchFigure[]> {
  const load = loadavg()[0] ?? NaN;
  runTandem(200); // warm the JIT
  globalThis.gc?.();
  const short = runTandem(2000);
  const long = runTandem(8000);
  return [
    {
      label: 'machine load average (1 min) at the start',
      value: load,
      unit: `on ${cpus().length} cores`,
    },
    {
      label: 'tandem 10 x M/M/4 @80%: request-hops/s (2,000 s)',
      value: short.hopsPerSecond,
      unit: 'hops/s',
      target: '>= 3M',
    },
    {
      label: 'tandem 10 x M/M/4 @80%: request-hops/s (8,000 s)',
      value: long.hopsPerSecond,
      unit: 'hops/s',
      target: '>= 3M',
    },
    {
      label: 'the same, per CPU second of the process (8,000 s)',
      value: long.hopsPerCpuSecond,
      unit: 'hops/cpu-s',
    },
    { label: 'heap used after 2,000 simulated s', value: short.heapMiB, unit: 'MiB' },
    {
      label: 'heap used after 8,000 simulated s',
      value: long.heapMiB,
      unit: 'MiB',
      target: 'flat in duration',
    },
    { label: 'peak RSS', value: process.resourceUsage().maxRSS / 1024, unit: 'MiB' },
  ];
}
