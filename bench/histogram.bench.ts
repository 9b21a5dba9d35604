/**
 * LatencyHistogram.record() throughput (benchmark.js). The simulator records one latency
 * per completed request, so this bounds what telemetry costs per simulated event.
 */
import Benchmark from 'benchmark';
import { LatencyHistogram } from '../sim-cluster/histogram.js';
import { RngStream } from '../sim-cluster/rng.js';
import type { BenchFigure } from './run.js';

export const name = 'histogram';

/** Precomputed log-uniform latencies from 10 µs to 10 s, cycled through by the bench. */
const VALUES = (() => {
  const rng = new RngStream(1, 'bench/histogram');
  return Float64Array.from({ length: 4096 }, () => 10 ** (-5 + 6 * rng.next()));
})();

export async function run(): Promise<BenchFigure[]> {
  const histogram = new LatencyHistogram();
  let i = 0;
  const bench = new Benchmark('record', {
    fn: () => {
      histogram.record(VALUES[i++ & 4095] as number);
    },
    minSamples: 20,
  });
  await new Promise<void>((resolve, reject) => {
    bench.on('complete', () => resolve());
    bench.on('error', () => reject(bench.error));
    bench.run({ async: true });
  });
  return [
    {
      label: 'LatencyHistogram.record (3 digits)',
      value: bench.hz,
      unit: 'ops/s',
    },
  ];
}
