/**
 * The guarantee-share rule: a hand-written residual correction, the teacher that
 * imitation learning starts a residual policy from (training/imitation.ts) and a
 * baseline the learned policy is measured against (eval's `rule:PATH`).
 *
 * A tenant's SLO score is capped at 1, so rate a tenant gets beyond its entitlement is
 * worth nothing to it, while a tenant short of its entitlement at a shared, saturated
 * service could use it (docs/eval.md, "Fourth attempt": steady overload). So in a window
 * in which some tenant fell short of its entitlement, the rule
 * - caps every tenant that offered more than its guarantee and was fully served at its
 *   guarantee (a rate-limit correction a < 0 that scales the base's limit down to it);
 * - asks to loosen every short tenant as far as the action allows (a = 1); the codec's
 *   shield decides how much of that it gets (with `transfer`, at most the rate the
 *   capping freed at a service they share).
 * In every other window, and for every other tenant and knob, the correction is 0: the
 * base's decision stands.
 */
import type { ActionCodec } from '../env/cluster/action-codec.js';
import { TenantSlots } from '../env/cluster/tenant-slots.js';
import type { Decision, Signals } from '../policies/policy.js';

/** Goodput below this share of a tenant's entitlement makes it short. */
export const SHORT_SCORE = 0.99;

/** The guarantee-share rule's correction, in the action codec's layout. */
export class GuaranteeShareRule {
  private readonly slots: TenantSlots;
  private readonly rateIndex: number;
  private readonly k: number;

  constructor(private readonly codec: ActionCodec) {
    this.slots = new TenantSlots(codec.params.slotCount);
    this.rateIndex = codec.params.knobs.indexOf('rateLimit');
    this.k = codec.knobsPerTenant;
  }

  /** Writes the correction for the window `signals` and the base's `base` into `out`. */
  actionInto(signals: Signals, base: Decision, out: Float32Array): Float32Array {
    out.fill(0);
    if (this.rateIndex < 0) return out;
    const seconds = signals.endSeconds - signals.startSeconds;
    if (!(seconds > 0)) return out;
    const short = (goodput: number, entitlement: number) =>
      entitlement > 0 && goodput < SHORT_SCORE * entitlement;
    if (!signals.tenants.some((t) => short(t.goodput, t.entitlement))) return out;
    const order = this.slots.assign(signals.tenants);
    const { residualRateBase, minRatePerSecond } = this.codec.params;
    for (let slot = 0; slot < order.length; slot++) {
      const t = signals.tenants[order[slot]!]!;
      const at = slot * this.k + this.rateIndex;
      if (short(t.goodput, t.entitlement)) {
        out[at] = 1;
        continue;
      }
      const g = t.guaranteedRate;
      const rate = t.offered / seconds;
      if (g === null || !(g > 0) || !(rate > g) || t.entitlement === 0) continue;
      const limit = base.tenants?.[t.name]?.rateLimit?.ratePerSecond;
      // Without a base limit, a < 0 sets `offered rate × 2 × R^a` (decodeResidual).
      const reference =
        limit !== undefined && limit < Infinity ? limit : 2 * Math.max(minRatePerSecond, rate);
      if (!(reference > g)) continue;
      out[at] = Math.max(-1, Math.log(g / reference) / Math.log(residualRateBase));
    }
    return out;
  }
}
