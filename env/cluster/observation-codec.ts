/**
 * The observation codec: one window's `Signals` (plus the previous action) becomes a
 * Float32Array laid out `[global | slotCount × slot | mask]`:
 *
 * - `global`: `GLOBAL_FEATURES` (cluster-wide load, availability, the window's score).
 * - slot i: the `TENANT_FEATURES` of the tenant in slot i (see `TenantSlots`: tenants
 *   sorted by name), with `baseFeatures` the `BASE_FEATURES` of the residual base's
 *   decision for it, then its previous action (one value per active knob, in [-1, 1]).
 * - `mask`: 1 for a slot holding a tenant, 0 for padding. Padded slots are all zeros.
 *
 * Every value lies in [-1, 1]. The codec depends only on `Signals`, so the env and the
 * controller daemon encode identically; its parameters are JSON and travel in policy
 * bundles together with the range of every feature seen (`ranges`). Its only state is
 * each tenant's smoothed offered rate (`reset` clears it at an episode's start).
 */
import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import type { Decision } from '../../sim-cluster/enforcement.js';
import type { Signals } from '../../sim-cluster/signals.js';
import { DEFAULT_KNOBS, checkKnobs, positive, positiveInteger } from './action-codec.js';
import type { ClusterKnob } from './action-codec.js';
import { FeatureRanges } from './feature-ranges.js';
import type { FeatureRangesJson } from './feature-ranges.js';
import {
  BASE_FEATURES,
  GLOBAL_FEATURES,
  TENANT_FEATURES,
  writeBaseFeatures,
  writeGlobalFeatures,
  writeTenantFeatures,
} from './observation-features.js';
import { TenantSlots } from './tenant-slots.js';

/** Where the parts sit in the flat observation (the agents' `TenantObservationLayout`). */
export interface ObservationLayout {
  readonly globalOffset: number;
  readonly globalDim: number;
  readonly slotsOffset: number;
  readonly slotCount: number;
  readonly slotDim: number;
  readonly maskOffset: number;
}

/** The JSON parameters of an `ObservationCodec`. */
export interface ObservationCodecJson {
  readonly kind: 'governor/observation-codec';
  readonly version: 1;
  /** Tenant slots (T_max). */
  readonly slotCount: number;
  /** The action codec's knobs: the previous action's features per slot. */
  readonly knobs: readonly ClusterKnob[];
  /** Smoothing of each tenant's offered rate: `ema ← ema + α (rate − ema)`. */
  readonly offeredRateAlpha: number;
  /**
   * Residual policies only: each slot also holds `BASE_FEATURES`, the base's decision
   * for the coming window, which `encode` then needs. Absent (false) in bundles written
   * before it existed.
   */
  readonly baseFeatures?: boolean;
  /** Feature ranges seen so far (global features, then slot features over active slots). */
  readonly ranges?: FeatureRangesJson;
}

export type ObservationCodecOptions = Partial<Omit<ObservationCodecJson, 'kind' | 'version'>>;

export class ObservationCodec {
  readonly params: Omit<ObservationCodecJson, 'ranges'>;
  readonly layout: ObservationLayout;
  /** Length of an observation. */
  readonly size: number;
  /** Min/max seen of every feature; accumulated by `encode` unless `trackRanges` is false. */
  readonly ranges: FeatureRanges;
  trackRanges = true;
  private readonly slots: TenantSlots;
  private readonly recentRate = new Map<string, number>();
  /** Where a slot's previous-action features start. */
  private readonly actionOffset: number;

  constructor(options: ObservationCodecOptions = {}) {
    this.params = {
      kind: 'governor/observation-codec',
      version: 1,
      slotCount: positiveInteger(options.slotCount ?? 8, 'slotCount'),
      knobs: checkKnobs(options.knobs ?? DEFAULT_KNOBS),
      offeredRateAlpha: positive(options.offeredRateAlpha ?? 0.2, 'offeredRateAlpha'),
      ...(options.baseFeatures === true ? { baseFeatures: true } : {}),
    };
    if (options.baseFeatures !== undefined && typeof options.baseFeatures !== 'boolean')
      throw new InvalidArgumentError(
        `baseFeatures must be true or false, got ${JSON.stringify(options.baseFeatures)}`,
      );
    if (this.params.offeredRateAlpha > 1)
      throw new InvalidArgumentError(
        `offeredRateAlpha must be in (0, 1], got ${this.params.offeredRateAlpha}`,
      );
    const g = GLOBAL_FEATURES.length;
    this.actionOffset =
      TENANT_FEATURES.length + (this.params.baseFeatures ? BASE_FEATURES.length : 0);
    const d = this.actionOffset + this.params.knobs.length;
    const t = this.params.slotCount;
    this.layout = {
      globalOffset: 0,
      globalDim: g,
      slotsOffset: g,
      slotCount: t,
      slotDim: d,
      maskOffset: g + t * d,
    };
    this.size = g + t * d + t;
    this.slots = new TenantSlots(t);
    const names = this.featureNames();
    this.ranges = new FeatureRanges([...names.global, ...names.slot]);
    if (options.ranges !== undefined) this.ranges.merge(options.ranges);
  }

  /** Names of the global and per-slot features, in layout order. */
  featureNames(): { global: string[]; slot: string[] } {
    return {
      global: [...GLOBAL_FEATURES],
      slot: [
        ...TENANT_FEATURES,
        ...(this.params.baseFeatures ? BASE_FEATURES : []),
        ...this.params.knobs.map((k) => `action/${k}`),
      ],
    };
  }

  /** Forgets every tenant's smoothed offered rate (call at the start of an episode). */
  reset(): void {
    this.recentRate.clear();
  }

  /**
   * A new observation of `signals`; `previousAction` is slot-major, or null for none
   * (zeros); `base` is the residual base's decision for the coming window, required
   * with `baseFeatures` and ignored without.
   */
  encode(
    signals: Signals,
    previousAction: ArrayLike<number> | null,
    base: Decision | null = null,
  ): Float32Array {
    return this.encodeInto(signals, previousAction, new Float32Array(this.size), base);
  }

  /** Writes the observation of `signals` into `out` (length `size`) and returns it. */
  encodeInto(
    signals: Signals,
    previousAction: ArrayLike<number> | null,
    out: Float32Array,
    base: Decision | null = null,
  ): Float32Array {
    if (out.length !== this.size)
      throw new InvalidArgumentError(`observation buffer must have length ${this.size}`);
    const observeBase = this.params.baseFeatures === true;
    if (observeBase && base === null)
      throw new InvalidArgumentError(
        "this observation codec observes the residual base's decision (baseFeatures): encode needs it",
      );
    out.fill(0);
    const { slotCount, slotDim, slotsOffset, maskOffset } = this.layout;
    const k = this.params.knobs.length;
    const order = this.slots.assign(signals.tenants);
    const windowSeconds = signals.endSeconds - signals.startSeconds;
    let total = 0;
    for (const t of signals.tenants) total += t.offered;
    const totalOfferedRate = windowSeconds > 0 ? total / windowSeconds : 0;
    writeGlobalFeatures(signals, order.length, slotCount, out, 0);
    for (let slot = 0; slot < order.length; slot++) {
      const index = order[slot]!;
      const t = signals.tenants[index]!;
      const at = slotsOffset + slot * slotDim;
      const recent = this.recentRate.get(t.name) ?? 0;
      writeTenantFeatures(
        t,
        signals.services,
        { index, recentOfferedRate: recent, totalOfferedRate, windowSeconds },
        out,
        at,
      );
      if (observeBase)
        writeBaseFeatures(
          t,
          base!.tenants?.[t.name],
          windowSeconds,
          out,
          at + TENANT_FEATURES.length,
        );
      if (previousAction !== null) {
        for (let j = 0; j < k; j++)
          out[at + this.actionOffset + j] = previousAction[slot * k + j] as number;
      }
      out[maskOffset + slot] = 1;
      const rate = windowSeconds > 0 ? t.offered / windowSeconds : 0;
      const alpha = this.params.offeredRateAlpha;
      this.recentRate.set(t.name, recent > 0 ? recent + alpha * (rate - recent) : rate);
    }
    if (this.trackRanges) this.observeRanges(out, order.length);
    return out;
  }

  private observeRanges(out: Float32Array, activeSlots: number): void {
    const { globalDim, slotDim, slotsOffset } = this.layout;
    for (let i = 0; i < globalDim; i++) this.ranges.observe(i, out[i]!);
    for (let slot = 0; slot < activeSlots; slot++) {
      const at = slotsOffset + slot * slotDim;
      for (let j = 0; j < slotDim; j++) this.ranges.observe(globalDim + j, out[at + j]!);
    }
  }

  toJSON(): ObservationCodecJson {
    return { ...this.params, knobs: [...this.params.knobs], ranges: this.ranges.toJSON() };
  }

  static fromJSON(json: ObservationCodecJson): ObservationCodec {
    if (json?.kind !== 'governor/observation-codec' || json.version !== 1)
      throw new InvalidArgumentError(
        `not an observation codec (kind governor/observation-codec, version 1): got kind ${String(json?.kind)}, version ${String(json?.version)}`,
      );
    return new ObservationCodec(json);
  }
}
