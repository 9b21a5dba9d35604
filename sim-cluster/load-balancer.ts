import type { Replica } from './replica.js';
import type { RngStream } from './rng.js';
import type { LoadBalancerName, ServiceSpec } from './scenario/types.js';

/**
 * How a hop picks one of its service's replicas. Replicas that are down are skipped; a
 * service with none up gets null (the hop is rejected as `unavailable`).
 *
 * - `round-robin`: each replica in turn.
 * - `random`: uniformly at random (Poisson splitting: each replica sees an independent
 *   Poisson stream).
 * - `least-outstanding`: the replica holding the fewest hops; ties go round-robin.
 * - `power-of-two`: the less loaded of two distinct random replicas (Mitzenmacher, "The
 *   Power of Two Choices in Randomized Load Balancing", 2001).
 */
export class LoadBalancer {
  private readonly policies: readonly LoadBalancerName[];
  private readonly cursor: Int32Array;

  constructor(
    services: readonly ServiceSpec[],
    private readonly replicas: readonly Replica[][],
    private readonly rng: RngStream,
  ) {
    this.policies = services.map((s) => s.loadBalancer);
    this.cursor = new Int32Array(services.length);
  }

  /** A replica of `service` that is up, or null when none is. */
  pick(service: number): Replica | null {
    const replicas = this.replicas[service]!;
    const n = replicas.length;
    if (n === 1) return replicas[0]!.up ? replicas[0]! : null;
    switch (this.policies[service]!) {
      case 'round-robin': {
        for (let k = 0; k < n; k++) {
          const r = replicas[this.cursor[service]!]!;
          this.cursor[service] = (this.cursor[service]! + 1) % n;
          if (r.up) return r;
        }
        return null;
      }
      case 'random':
        return firstUpFrom(replicas, this.rng.nextInt(n));
      case 'least-outstanding': {
        let best: Replica | null = null;
        const start = this.cursor[service]!;
        this.cursor[service] = (start + 1) % n;
        for (let k = 0; k < n; k++) {
          const r = replicas[(start + k) % n]!;
          if (r.up && (best === null || r.outstanding < best.outstanding)) best = r;
        }
        return best;
      }
      case 'power-of-two': {
        const i = this.rng.nextInt(n);
        const j = (i + 1 + this.rng.nextInt(n - 1)) % n;
        const a = replicas[i]!;
        const b = replicas[j]!;
        if (a.up && b.up) return b.outstanding < a.outstanding ? b : a;
        return a.up ? a : b.up ? b : firstUpFrom(replicas, i);
      }
    }
  }
}

/** The first replica that is up, scanning from `start` round the ring. */
function firstUpFrom(replicas: readonly Replica[], start: number): Replica | null {
  for (let k = 0; k < replicas.length; k++) {
    const r = replicas[(start + k) % replicas.length]!;
    if (r.up) return r;
  }
  return null;
}
