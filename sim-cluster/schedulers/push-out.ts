import type { Ring } from './ring.js';

/**
 * Buffer management for fair queues (Demers, Keshav and Shenker, SIGCOMM 1989): when the
 * shared buffer is full, drop from the tenant holding the most buffer per unit of weight.
 * Returns that tenant's index, or -1 when the arriving tenant is itself the most
 * over-share (then the arriving request is the one rejected).
 */
export function pushOutVictim(
  queues: readonly Ring[],
  weight: Float64Array,
  arriving: number,
): number {
  let victim = -1;
  let worst = (queues[arriving]!.length + 1) / weight[arriving]!;
  for (let t = 0; t < queues.length; t++) {
    if (t === arriving) continue;
    const share = queues[t]!.length / weight[t]!;
    if (share > worst) {
      worst = share;
      victim = t;
    }
  }
  return victim;
}
