/**
 * Which tenant sits in which slot of the per-tenant encodings. Both codecs use it, so a
 * slot's observation features and its action dimensions always belong to the same tenant.
 *
 * Rule: the tenants of a window's `Signals`, sorted by name (UTF-16 code-unit order, no
 * locale), take slots 0, 1, … in that order; tenants beyond the first `slotCount` get no
 * slot (they are neither observed per tenant nor controlled). The order depends only on
 * the set of names, never on the order in which a producer lists them.
 */
import type { TenantSignals } from '../../sim-cluster/signals.js';

export class TenantSlots {
  /** Names seen on the last call, in the producer's order, to detect an unchanged set. */
  private names: string[] = [];
  /** Slot → index into the tenants array; length = active slots. */
  private order = new Int32Array(0);

  constructor(readonly slotCount: number) {}

  /**
   * Slot → index into `tenants`, for the active slots (length ≤ `slotCount`). The result
   * is reused while the tenants' names and positions stay the same: do not keep it.
   */
  assign(tenants: readonly TenantSignals[]): Int32Array {
    if (this.unchanged(tenants)) return this.order;
    this.names = tenants.map((t) => t.name);
    const sorted = tenants
      .map((t, i) => ({ name: t.name, i }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.order = Int32Array.from(sorted.slice(0, this.slotCount), (x) => x.i);
    return this.order;
  }

  private unchanged(tenants: readonly TenantSignals[]): boolean {
    if (tenants.length !== this.names.length) return false;
    for (let i = 0; i < tenants.length; i++) {
      if (tenants[i]!.name !== this.names[i]) return false;
    }
    return true;
  }
}
