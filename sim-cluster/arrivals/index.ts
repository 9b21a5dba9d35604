import type { ArrivalSpec } from '../scenario/types.js';
import type { ArrivalProcess } from './arrival-process.js';
import {
  DeterministicArrivals,
  DiurnalArrivals,
  MmppArrivals,
  PoissonArrivals,
  ScheduleArrivals,
  TraceArrivals,
} from './processes.js';

export type { ArrivalProcess } from './arrival-process.js';
export * from './processes.js';

/**
 * The open-loop process of an arrival spec, or null for a closed loop (which the
 * simulator drives from request completions). `apiIndex` maps API names to indices.
 */
export function createArrivalProcess(
  spec: ArrivalSpec,
  apiIndex: ReadonlyMap<string, number>,
): ArrivalProcess | null {
  switch (spec.process) {
    case 'poisson':
      return new PoissonArrivals(spec.rate);
    case 'deterministic':
      return new DeterministicArrivals(spec.rate);
    case 'mmpp':
      return new MmppArrivals(spec.states);
    case 'diurnal':
      return new DiurnalArrivals(spec.mean, spec.amplitude, spec.period, spec.phase);
    case 'schedule':
      return new ScheduleArrivals(spec.points, spec.interpolate === 'linear');
    case 'trace':
      return new TraceArrivals(
        new Float64Array(spec.rows.map((r) => r.at)),
        new Int32Array(spec.rows.map((r) => apiIndex.get(r.api) ?? -1)),
      );
    case 'closed':
      return null;
  }
}
