/**
 * The open-loop load generator's schedule (pure): Poisson arrivals per tenant at set
 * rates, each request's API drawn from the tenant's mix, every draw from a seeded stream
 * (one stream per tenant and concern, as in the simulator), so the same seed always gives
 * the same schedule. Open loop: the generator sends each request at its time whatever
 * happened to the earlier ones.
 */
import { RngStream } from '../sim-cluster/rng.js';

export interface ScheduleTenant {
  readonly name: string;
  readonly ratePerSecond: number;
  /** API name → positive weight. */
  readonly requests: Readonly<Record<string, number>>;
}

/** Arrivals of every tenant merged in time order (parallel arrays). */
export interface LoadSchedule {
  /** Seconds from the start of the run, non-decreasing. */
  readonly atSeconds: Float64Array;
  /** Index into the tenants. */
  readonly tenant: Uint16Array;
  /** Index into `apis`. */
  readonly api: Uint16Array;
  readonly tenants: readonly string[];
  readonly apis: readonly string[];
}

/**
 * Arrival times of a Poisson process of `ratePerSecond` on [0, durationSeconds):
 * exponential gaps −ln(U)/λ drawn from `rng`.
 */
export function poissonArrivals(
  ratePerSecond: number,
  durationSeconds: number,
  rng: RngStream,
): Float64Array {
  if (!(ratePerSecond >= 0) || !Number.isFinite(ratePerSecond))
    throw new RangeError(`ratePerSecond must be a finite number >= 0, got ${ratePerSecond}`);
  if (!(durationSeconds >= 0))
    throw new RangeError(`durationSeconds must be >= 0, got ${durationSeconds}`);
  const out: number[] = [];
  if (ratePerSecond === 0) return new Float64Array(0);
  for (let t = -Math.log(rng.nextOpen()) / ratePerSecond; t < durationSeconds;) {
    out.push(t);
    t += -Math.log(rng.nextOpen()) / ratePerSecond;
  }
  return Float64Array.from(out);
}

/** The schedule of every tenant for `durationSeconds`, seeded by `seed`. */
export function buildSchedule(
  tenants: readonly ScheduleTenant[],
  durationSeconds: number,
  seed: number,
): LoadSchedule {
  const apis = [...new Set(tenants.flatMap((t) => Object.keys(t.requests)))];
  const rows: { at: number; tenant: number; api: number }[] = [];
  tenants.forEach((t, ti) => {
    const times = poissonArrivals(
      t.ratePerSecond,
      durationSeconds,
      new RngStream(seed, `arrivals/${t.name}`),
    );
    const mix = new RngStream(seed, `request-mix/${t.name}`);
    const entries = Object.entries(t.requests);
    const total = entries.reduce((a, [, w]) => a + w, 0);
    for (const at of times) {
      let u = mix.next() * total;
      let pick = entries.length - 1;
      for (let i = 0; i < entries.length; i++) {
        u -= entries[i]![1];
        if (u < 0) {
          pick = i;
          break;
        }
      }
      rows.push({ at, tenant: ti, api: apis.indexOf(entries[pick]![0]) });
    }
  });
  rows.sort((a, b) => a.at - b.at || a.tenant - b.tenant);
  return {
    atSeconds: Float64Array.from(rows, (r) => r.at),
    tenant: Uint16Array.from(rows, (r) => r.tenant),
    api: Uint16Array.from(rows, (r) => r.api),
    tenants: tenants.map((t) => t.name),
    apis,
  };
}
