/**
 * The action codec: a network's output, a Box of `slotCount × knobs.length` numbers in
 * [-1, 1] laid out slot-major (slot 0's knobs, then slot 1's, …), becomes a `Decision`.
 * It reads only the action and the window's `Signals` (for each tenant's recent offered
 * rate, weight and SLO), so the env and the controller daemon decode identically; its
 * parameters are JSON (`toJSON` / `fromJSON`) and travel in policy bundles.
 *
 * Knob mappings, for a slot's value `a` in [-1, 1] (a = 0 is close to "no control", so an
 * untrained Gaussian policy starts near the uncontrolled system):
 * - `rateLimit`: an ingress token bucket of `ratePerSecond = base × 2 × 32^a` with
 *   `base = max(minRatePerSecond, offered ÷ window seconds)` — a multiplicative factor in
 *   [1/16, 64] of the tenant's offered rate in the observed window (2 at a = 0: only
 *   bursts above twice the recent load are cut) — and `burst = max(1, ratePerSecond ×
 *   burstWindows × window seconds)`.
 * - `weight`: the tenant's scenario weight × 8^a (× [1/8, 8]; a = 0 keeps its weight).
 * - `priority`: round(2a), one of -2 … 2 (default priority 0 at a ≈ 0).
 * - `admitProbability`: `0.05 + 0.95 × (σ(6a + 4) − σ(−2)) ÷ (σ(10) − σ(−2))`, a logistic
 *   curve rescaled onto [0.05, 1] (0.98 at a = 0). Shedding applies per hop, so it is set
 *   only at `admissionServices` (the entry services; every service when empty or when the
 *   observed cluster has none of them).
 * - `concurrencyLimit`: at every service, `max(1, ceil(base × slo.latency × 2 × 4^a))`
 *   hops of the tenant at once — Little's law for the tenant's load if its requests took
 *   the SLO latency, times [1/2, 8].
 * - `queueDelayThreshold`: at every service, `slo.latency × 4^a` seconds ([1/4, 4] × SLO).
 *
 * Masked slots (no tenant) are ignored whatever their values.
 */
import { InvalidActionError, InvalidArgumentError } from '../../sim-cluster/errors.js';
import type {
  AdmissionKnobs,
  Decision,
  ServiceDecision,
  TenantDecision,
} from '../../sim-cluster/enforcement.js';
import type { ServiceSignals, Signals, TenantSignals } from '../../sim-cluster/signals.js';
import { TenantSlots } from './tenant-slots.js';

/** The knobs a policy may set, in their canonical order within a slot. */
export const CLUSTER_KNOBS = [
  'rateLimit',
  'weight',
  'priority',
  'admitProbability',
  'concurrencyLimit',
  'queueDelayThreshold',
] as const;
export type ClusterKnob = (typeof CLUSTER_KNOBS)[number];

/** The knobs active by default: rate limits, scheduling weights and admission probability. */
export const DEFAULT_KNOBS: readonly ClusterKnob[] = ['rateLimit', 'weight', 'admitProbability'];

/** The JSON parameters of an `ActionCodec`. */
export interface ActionCodecJson {
  readonly kind: 'governor/action-codec';
  readonly version: 1;
  /** Tenant slots (T_max). */
  readonly slotCount: number;
  /** Active knobs, in canonical order: the per-slot action layout. */
  readonly knobs: readonly ClusterKnob[];
  /** Services where `admitProbability` applies; empty: every service. */
  readonly admissionServices: readonly string[];
  /** Floor of the offered rate a rate limit scales, in requests per second. */
  readonly minRatePerSecond: number;
  /** Token-bucket burst in windows' worth of the limit. */
  readonly burstWindows: number;
  /** Decision time-to-live in windows (the lease before defaults return). */
  readonly ttlWindows: number;
  /**
   * Residual decoding only: a rate-limit correction `a` multiplies the base's limit by
   * `residualRateBase^a` (default 32). Bundles written before it existed lack it and
   * decode with the default, as they were trained.
   */
  readonly residualRateBase: number;
  /**
   * Residual decoding only: for a > 0 the limit is multiplied by `residualRateUpBase^a`
   * instead (default `residualRateBase`); 1 makes rate corrections tighten-only.
   */
  readonly residualRateUpBase: number;
  /** Residual decoding only: a weight correction multiplies by `residualWeightBase^a` (default 8). */
  readonly residualWeightBase: number;
  /**
   * Residual decoding only: when set, a rate limit is loosened past the base's only where
   * it cannot let a surge or a backlog through (`ResidualShield`); absent in bundles
   * written before it existed, which decode as they were trained (unshielded).
   */
  readonly residualShield?: ResidualShield;
}

/**
 * The safety shield of residual rate loosening. A correction a > 0 raises a tenant's
 * limit above the base's only while, in the window just observed, every service the
 * tenant reached was below `utilization` busy and every tenant with hops at those
 * services met its latency SLO; and never past `demandCap` × the tenant's own offered
 * rate. Otherwise the base's limit stands, so loosening cannot hand capacity to a crowd
 * or a backlog at a partner's expense (docs/eval.md: flash-crowd and slow-backend losses
 * of unshielded loosening).
 *
 * With `transfer`, rate that the decision's tightenings take off the load tenants offered
 * goes to other tenants at a service they share, never more than was freed: a policy may
 * move rate between tenants at a saturated service, not add to it (`decodeResidual`).
 * `asked`: to loosenings the path rule holds back, up to what each asked for.
 * `shortfall`: to tenants the action did not tighten, nor loosen past the path rule, that
 * fell short of their entitlement in the window, up to that shortfall (as a rate) and the
 * demand cap.
 */
export interface ResidualShield {
  /** Busy fraction (0, 1] every service on the tenant's path must be below. */
  readonly utilization: number;
  /** Loosening never exceeds this multiple (>= 1) of the tenant's offered rate. */
  readonly demandCap: number;
  /** Where rate freed by tightening goes (see above); absent: nowhere. */
  readonly transfer?: 'asked' | 'shortfall';
  /**
   * `entitlement`: a tightening never takes a tenant's limit below its entitlement rate
   * in the window — min(offered rate, guarantee), or the offered rate without a
   * guarantee — nor below the base's own limit where that is lower. The safety bound of
   * issue 9's guard (never throttle a tenant below its guarantee), made a property of the
   * action space. Absent: tightening is unbounded (down to R^-1 × the base's limit).
   * `guarantee`: the same, but a tenant with a guarantee is never taken below the
   * guarantee itself, even in a window in which it offered less — the daemon guard's
   * bound exactly, which leaves room for the next window's burst.
   */
  readonly floor?: 'entitlement' | 'guarantee';
}

export type ActionCodecOptions = Partial<Omit<ActionCodecJson, 'kind' | 'version'>>;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const SIG_LOW = sigmoid(-2);
const SIG_SPAN = sigmoid(10) - SIG_LOW;

/** `admitProbability` for action value `a` in [-1, 1]: 0.05 at -1, ≈0.98 at 0, 1 at 1. */
export function admitProbabilityOf(a: number): number {
  const u = (sigmoid(6 * a + 4) - SIG_LOW) / SIG_SPAN;
  // The ends exactly (0.05 + 0.95 rounds below 1 in floating point).
  return u >= 1 ? 1 : u <= 0 ? 0.05 : 0.05 + 0.95 * u;
}

export class ActionCodec {
  readonly params: ActionCodecJson;
  private readonly slots: TenantSlots;
  private readonly knobIndex: Readonly<Record<ClusterKnob, number>>;
  /** Per tenant index, in `decodeResidual`: rate/s it may receive by transfer. */
  private readonly wanted: number[] = [];
  /** Per tenant index, in `decodeResidual`: rate/s its tightening took off its load. */
  private readonly freed: number[] = [];

  constructor(options: ActionCodecOptions = {}) {
    const knobs = checkKnobs(options.knobs ?? DEFAULT_KNOBS);
    const rateBase = correctionBase(options.residualRateBase ?? 32, 'residualRateBase');
    this.params = {
      kind: 'governor/action-codec',
      version: 1,
      slotCount: positiveInteger(options.slotCount ?? 8, 'slotCount'),
      knobs,
      admissionServices: [...(options.admissionServices ?? [])],
      minRatePerSecond: positive(options.minRatePerSecond ?? 1, 'minRatePerSecond'),
      burstWindows: positive(options.burstWindows ?? 1, 'burstWindows'),
      ttlWindows: positive(options.ttlWindows ?? 2, 'ttlWindows'),
      residualRateBase: rateBase,
      residualRateUpBase: upBase(options.residualRateUpBase ?? rateBase, 'residualRateUpBase'),
      residualWeightBase: correctionBase(options.residualWeightBase ?? 8, 'residualWeightBase'),
      ...(options.residualShield === undefined
        ? {}
        : { residualShield: checkShield(options.residualShield) }),
    };
    this.slots = new TenantSlots(this.params.slotCount);
    const index = {} as Record<ClusterKnob, number>;
    for (const k of CLUSTER_KNOBS) index[k] = this.params.knobs.indexOf(k);
    this.knobIndex = index;
  }

  /** Numbers per tenant slot. */
  get knobsPerTenant(): number {
    return this.params.knobs.length;
  }

  /** Length of an action: slotCount × knobsPerTenant. */
  get actionSize(): number {
    return this.params.slotCount * this.params.knobs.length;
  }

  /**
   * The Decision for `action` given the window just observed. Throws `InvalidActionError`
   * naming the index and value of a NaN or out-of-range entry, or a wrong length.
   */
  decode(action: ArrayLike<number>, signals: Signals, epoch: number): Decision {
    this.check(action);
    const windowSeconds = signals.endSeconds - signals.startSeconds;
    const order = this.slots.assign(signals.tenants);
    const k = this.params.knobs.length;
    const tenants: Record<string, TenantDecision> = {};
    const perService: Record<string, AdmissionKnobs> = {};
    for (let slot = 0; slot < order.length; slot++) {
      const t = signals.tenants[order[slot]!]!;
      const at = (knob: ClusterKnob): number | undefined => {
        const i = this.knobIndex[knob];
        return i < 0 ? undefined : (action[slot * k + i] as number);
      };
      tenants[t.name] = this.tenantDecision(t, at, windowSeconds);
      const p = at('admitProbability');
      if (p !== undefined) perService[t.name] = { admitProbability: admitProbabilityOf(p) };
    }
    const decision: Decision = {
      epoch,
      ttlSeconds: this.params.ttlWindows * windowSeconds,
      tenants,
    };
    if (this.knobIndex.admitProbability < 0) return decision;
    // Admission services the observed cluster does not have are skipped (a policy trained
    // on one topology may run on another); with none left, shedding applies everywhere.
    const at = this.params.admissionServices.filter((s) =>
      signals.services.some((x) => x.name === s),
    );
    if (at.length === 0) {
      for (const [name, knobs] of Object.entries(perService))
        tenants[name] = { ...tenants[name], ...knobs };
      return decision;
    }
    const services: Record<string, { tenants: Record<string, AdmissionKnobs> }> = {};
    for (const s of at) services[s] = { tenants: perService };
    return { ...decision, services };
  }

  private tenantDecision(
    t: TenantSignals,
    at: (knob: ClusterKnob) => number | undefined,
    windowSeconds: number,
  ): TenantDecision {
    const base = Math.max(
      this.params.minRatePerSecond,
      windowSeconds > 0 ? t.offered / windowSeconds : 0,
    );
    const d: { -readonly [K in keyof TenantDecision]: TenantDecision[K] } = {};
    const rate = at('rateLimit');
    if (rate !== undefined) {
      d.rateLimit = this.bucket(base * 2 * Math.pow(32, rate), windowSeconds);
    }
    const weight = at('weight');
    if (weight !== undefined) d.weight = t.weight * Math.pow(8, weight);
    const priority = at('priority');
    if (priority !== undefined) d.priority = Math.round(2 * priority) + 0;
    const limit = at('concurrencyLimit');
    if (limit !== undefined)
      d.concurrencyLimit = Math.max(1, Math.ceil(base * t.slo.latency * 2 * Math.pow(4, limit)));
    const delay = at('queueDelayThreshold');
    if (delay !== undefined) d.queueDelayThreshold = t.slo.latency * Math.pow(4, delay);
    return d;
  }

  /**
   * Residual decoding: the action corrects a base policy's `base` decision for the same
   * window instead of replacing it, and a = 0 returns `base` itself (same object), so a
   * zero action reproduces the base policy exactly. Per knob, for a slot's value `a`:
   * - `rateLimit`: the base's token bucket × R^a (rate and burst), R = `residualRateBase`
   *   (default 32) for a < 0 and `residualRateUpBase` (default R) for a > 0; when the base
   *   sets none, a < 0 sets `offered rate × 2 × R^a`, a ≥ 0 keeps none;
   * - `weight`: (the base's weight, else the scenario's) × W^a, W = `residualWeightBase`
   *   (default 8);
   * - `priority`: the base's priority (default 0) + round(2a);
   * - `admitProbability`: the base's admit probability (default 1) × 20^min(a, 0) at
   *   the admission services (only shedding more than the base is possible);
   * - `concurrencyLimit`, `queueDelayThreshold`: the base's per-tenant value × 4^a; when
   *   the base sets none, a < 0 sets the value `decode` would and a ≥ 0 keeps none.
   * Service-level knobs of the base (e.g. Breakwater's credit pools) are kept as they are.
   */
  decodeResidual(action: ArrayLike<number>, signals: Signals, base: Decision): Decision {
    this.check(action);
    const windowSeconds = signals.endSeconds - signals.startSeconds;
    const order = this.slots.assign(signals.tenants);
    const k = this.params.knobs.length;
    let tenants: Record<string, TenantDecision> | null = null;
    let admit: Record<string, number> | null = null;
    const transferring = this.params.residualShield?.transfer !== undefined;
    if (transferring) {
      this.wanted.length = this.freed.length = signals.tenants.length;
      this.wanted.fill(0);
      this.freed.fill(0);
    }
    for (let slot = 0; slot < order.length; slot++) {
      const t = signals.tenants[order[slot]!]!;
      const at = (knob: ClusterKnob): number => {
        const i = this.knobIndex[knob];
        return i < 0 ? 0 : (action[slot * k + i] as number);
      };
      const b = base.tenants?.[t.name];
      const d = this.residualTenant(t, order[slot]!, signals, b ?? {}, at, windowSeconds);
      if (d !== null) (tenants ??= { ...base.tenants })[t.name] = d;
      const p = at('admitProbability');
      if (p < 0) (admit ??= {})[t.name] = Math.pow(20, p);
    }
    if (transferring && this.freed.some((f) => f > 0) && this.wanted.some((w) => w > 0))
      tenants = this.transfer(signals, base, tenants ?? { ...base.tenants });
    if (tenants === null && admit === null) return base;
    const out: { -readonly [K in keyof Decision]: Decision[K] } = { ...base };
    if (tenants !== null) out.tenants = tenants;
    if (admit !== null) this.scaleAdmission(out, admit, signals);
    return out;
  }

  /**
   * The shield's `transfer`: each recipient gets what it wants (`wanted`), scaled so the
   * grants together never exceed the rate freed by tightening, and each never more than
   * what was freed at services it shares with the tightened tenants.
   */
  private transfer(
    signals: Signals,
    base: Decision,
    tenants: Record<string, TenantDecision>,
  ): Record<string, TenantDecision> {
    const n = signals.tenants.length;
    let asked = 0;
    let pool = 0;
    for (let j = 0; j < n; j++) {
      const f = this.freed[j]!;
      if (f === 0) continue;
      for (let i = 0; i < n; i++)
        if (this.wanted[i]! > 0 && sharesService(i, j, signals)) {
          pool += f;
          break;
        }
    }
    for (let i = 0; i < n; i++) asked += this.wanted[i]!;
    const scale = Math.min(1, pool / asked);
    for (let i = 0; i < n; i++) {
      const want = this.wanted[i]!;
      if (want === 0) continue;
      let reach = 0;
      for (let j = 0; j < n; j++)
        if (this.freed[j]! > 0 && sharesService(i, j, signals)) reach += this.freed[j]!;
      const grant = Math.min(want * scale, reach);
      const t = signals.tenants[i]!;
      const b = base.tenants?.[t.name]?.rateLimit;
      if (!(grant > 0) || b === undefined) continue;
      const f = 1 + grant / b.ratePerSecond;
      tenants[t.name] = {
        ...tenants[t.name],
        rateLimit: { ratePerSecond: b.ratePerSecond + grant, burst: Math.max(1, b.burst * f) },
      };
    }
    return tenants;
  }

  /** The tenant's corrected knobs, or null when every correction is 0. */
  private residualTenant(
    t: TenantSignals,
    index: number,
    signals: Signals,
    b: TenantDecision,
    at: (knob: ClusterKnob) => number,
    windowSeconds: number,
  ): TenantDecision | null {
    const d: { -readonly [K in keyof TenantDecision]: TenantDecision[K] } = { ...b };
    let changed = false;
    const offered = Math.max(
      this.params.minRatePerSecond,
      windowSeconds > 0 ? t.offered / windowSeconds : 0,
    );
    const rate = at('rateLimit');
    const up = this.params.residualRateUpBase;
    const shield = this.params.residualShield;
    const transfer = shield?.transfer;
    // A recipient of `shortfall` transfer unless its own correction moves its rate
    // (a tightening, or a loosening the path rule allows: then `wanted` is reset below).
    if (transfer === 'shortfall' && rate >= 0 && b.rateLimit !== undefined && windowSeconds > 0)
      this.wanted[index] = Math.min(
        Math.max(0, t.entitlement - t.goodput) / windowSeconds,
        Math.max(0, shield!.demandCap * (t.offered / windowSeconds) - b.rateLimit.ratePerSecond),
      );
    if (rate !== 0 && (b.rateLimit !== undefined || rate < 0) && (rate < 0 || up > 1)) {
      let f = Math.pow(rate < 0 ? this.params.residualRateBase : up, rate);
      if (rate > 0 && shield !== undefined && b.rateLimit !== undefined) {
        const demand = shield.demandCap * (windowSeconds > 0 ? t.offered / windowSeconds : 0);
        const baseRate = b.rateLimit.ratePerSecond;
        const wanted = baseRate > 0 ? Math.max(1, Math.min(f, demand / baseRate)) : 1;
        f = wanted > 1 && loosenAllowed(index, signals, shield.utilization) ? wanted : 1;
        if (f > 1) this.wanted[index] = 0;
        else if (wanted > 1 && transfer === 'asked') this.wanted[index] = baseRate * (wanted - 1);
      }
      if (f < 1 && shield?.floor !== undefined && windowSeconds > 0) {
        const reference = b.rateLimit?.ratePerSecond ?? offered * 2;
        const rateNow = t.offered / windowSeconds;
        const g = t.guaranteedRate;
        const entitled =
          g === null ? rateNow : shield.floor === 'guarantee' ? g : Math.min(rateNow, g);
        if (reference > 0) f = Math.max(f, Math.min(1, entitled / reference));
      }
      if (f < 1 && transfer !== undefined) {
        // What the tightening takes off the load the tenant actually offered.
        const was = Math.min(b.rateLimit?.ratePerSecond ?? Infinity, offered);
        const now = (b.rateLimit?.ratePerSecond ?? offered * 2) * f;
        this.freed[index] = Math.max(0, was - now);
      }
      if (f !== 1) {
        d.rateLimit =
          b.rateLimit !== undefined
            ? {
                ratePerSecond: b.rateLimit.ratePerSecond * f,
                burst: Math.max(1, b.rateLimit.burst * f),
              }
            : this.bucket(offered * 2 * f, windowSeconds);
        changed = true;
      }
    }
    const weight = at('weight');
    if (weight !== 0) {
      d.weight = (b.weight ?? t.weight) * Math.pow(this.params.residualWeightBase, weight);
      changed = true;
    }
    const priority = Math.round(2 * at('priority'));
    if (priority !== 0) {
      d.priority = (b.priority ?? 0) + priority;
      changed = true;
    }
    const limit = at('concurrencyLimit');
    if (limit !== 0 && (b.concurrencyLimit !== undefined || limit < 0)) {
      const f = Math.pow(4, limit);
      d.concurrencyLimit = Math.max(
        1,
        Math.ceil((b.concurrencyLimit ?? offered * t.slo.latency * 2) * f),
      );
      changed = true;
    }
    const delay = at('queueDelayThreshold');
    if (delay !== 0 && (b.queueDelayThreshold !== undefined || delay < 0)) {
      d.queueDelayThreshold = (b.queueDelayThreshold ?? t.slo.latency) * Math.pow(4, delay);
      changed = true;
    }
    return changed ? d : null;
  }

  /** Multiplies tenants' admit probabilities at the admission services by `factors`. */
  private scaleAdmission(
    out: { -readonly [K in keyof Decision]: Decision[K] },
    factors: Readonly<Record<string, number>>,
    signals: Signals,
  ): void {
    // As in `decode`: admission services the observed cluster lacks are skipped.
    const at = this.params.admissionServices.filter((s) =>
      signals.services.some((x) => x.name === s),
    );
    if (at.length === 0) {
      const tenants: Record<string, TenantDecision> = { ...out.tenants };
      for (const [name, f] of Object.entries(factors))
        tenants[name] = {
          ...tenants[name],
          admitProbability: (tenants[name]?.admitProbability ?? 1) * f,
        };
      out.tenants = tenants;
      return;
    }
    const services: Record<string, ServiceDecision> = { ...out.services };
    for (const s of at) {
      const prev = services[s];
      const knobs: Record<string, AdmissionKnobs> = { ...prev?.tenants };
      for (const [name, f] of Object.entries(factors)) {
        const p = knobs[name]?.admitProbability ?? out.tenants?.[name]?.admitProbability ?? 1;
        knobs[name] = { ...knobs[name], admitProbability: p * f };
      }
      services[s] = { ...prev, tenants: knobs };
    }
    out.services = services;
  }

  /** A token bucket of `ratePerSecond` with the codec's burst. */
  private bucket(ratePerSecond: number, windowSeconds: number) {
    return {
      ratePerSecond,
      burst: Math.max(1, ratePerSecond * this.params.burstWindows * windowSeconds),
    };
  }

  /** Throws `InvalidActionError` unless `action` holds `actionSize` numbers in [-1, 1]. */
  check(action: ArrayLike<number>): void {
    if (action === null || typeof action !== 'object' || typeof action.length !== 'number')
      throw new InvalidActionError(`action must be an array of ${this.actionSize} numbers`);
    if (action.length !== this.actionSize)
      throw new InvalidActionError(
        `action must have length ${this.actionSize} (${this.params.slotCount} slots × ${this.knobsPerTenant} knobs), got ${action.length}`,
      );
    for (let i = 0; i < action.length; i++) {
      const v = action[i] as number;
      if (!(v >= -1 && v <= 1))
        throw new InvalidActionError(
          `action value ${v} at index ${i} (slot ${Math.floor(i / this.knobsPerTenant)}, knob ${this.params.knobs[i % this.knobsPerTenant]}) must be a number in [-1, 1]`,
        );
    }
  }

  toJSON(): ActionCodecJson {
    return { ...this.params, knobs: [...this.params.knobs] };
  }

  static fromJSON(json: ActionCodecJson): ActionCodec {
    if (json?.kind !== 'governor/action-codec' || json.version !== 1)
      throw new InvalidArgumentError(
        `not an action codec (kind governor/action-codec, version 1): got kind ${String(json?.kind)}, version ${String(json?.version)}`,
      );
    return new ActionCodec(json);
  }
}

/**
 * `knobs` in canonical order (whatever order the caller listed them in); throws
 * `InvalidArgumentError` for an unknown, repeated or empty list.
 */
export function checkKnobs(knobs: readonly ClusterKnob[]): ClusterKnob[] {
  for (const k of knobs) {
    if (!(CLUSTER_KNOBS as readonly string[]).includes(k))
      throw new InvalidArgumentError(
        `unknown knob '${String(k)}' (known: ${CLUSTER_KNOBS.join(', ')})`,
      );
  }
  if (new Set(knobs).size !== knobs.length || knobs.length === 0)
    throw new InvalidArgumentError(
      `knobs must be distinct and non-empty, got [${knobs.join(', ')}]`,
    );
  return CLUSTER_KNOBS.filter((k) => knobs.includes(k));
}

export function positive(value: number, name: string): number {
  if (!(value > 0 && Number.isFinite(value)))
    throw new InvalidArgumentError(`${name} must be a positive finite number, got ${value}`);
  return value;
}

/** A correction base: finite and > 1 (at 1 a knob could not be corrected at all). */
function correctionBase(value: number, name: string): number {
  if (!(value > 1 && Number.isFinite(value)))
    throw new InvalidArgumentError(`${name} must be a finite number > 1, got ${value}`);
  return value;
}

/**
 * Whether tenant `index` may have its rate limit loosened after `signals`' window: it
 * reached at least one service, each below `utilization` busy, and every tenant with hops
 * at any of them met its latency SLO there (`sloMet`). Allocation-free: it runs per tenant
 * per window in the env and the controller daemon.
 */
export function loosenAllowed(index: number, signals: Signals, utilization: number): boolean {
  let reached = false;
  for (const s of signals.services) {
    if (!reachedIn(s, index)) continue;
    reached = true;
    if (!(s.utilization < utilization)) return false;
    for (let j = 0; j < s.tenants.length; j++)
      if (reachedIn(s, j) && !sloMet(signals.tenants[j]!)) return false;
  }
  return reached;
}

/** Whether tenant `index` had hops, rejections or outstanding calls at service `s`. */
function reachedIn(s: ServiceSignals, index: number): boolean {
  const t = s.tenants[index];
  return t !== undefined && t.hops + t.rejected + t.outstanding > 0;
}

/** Whether tenants `i` and `j` both reached some service. */
function sharesService(i: number, j: number, signals: Signals): boolean {
  for (const s of signals.services) if (reachedIn(s, i) && reachedIn(s, j)) return true;
  return false;
}

/**
 * Whether the tenant's requests completed in the window met its latency SLO, read at the
 * nearest measured percentile at or above the SLO's (p50, p90, p99: a p95 SLO is checked
 * at p99, erring towards "missed"). A tenant that offered requests and completed none
 * did not meet it.
 */
export function sloMet(t: TenantSignals): boolean {
  const l = t.latency;
  if (l.count === 0) return t.offered === 0;
  const p = t.slo.percentile;
  const at = p <= 50 ? l.p50 : p <= 90 ? l.p90 : l.p99;
  return at <= t.slo.latency;
}

/**
 * The first rule a shield's fields break (`field`, `message` with the value), or null:
 * the one statement of the rules, shared by the codec and training's config parser.
 */
export function residualShieldProblem(shield: {
  readonly utilization?: unknown;
  readonly demandCap?: unknown;
  readonly transfer?: unknown;
  readonly floor?: unknown;
}): { field: keyof ResidualShield; message: string } | null {
  const u = shield.utilization;
  if (!(typeof u === 'number' && u > 0 && u <= 1))
    return {
      field: 'utilization',
      message: `must be a number in (0, 1], got ${JSON.stringify(u)}`,
    };
  const c = shield.demandCap;
  if (!(typeof c === 'number' && c >= 1 && Number.isFinite(c)))
    return {
      field: 'demandCap',
      message: `must be a finite number >= 1, got ${JSON.stringify(c)}`,
    };
  const t = shield.transfer;
  if (t !== undefined && t !== 'asked' && t !== 'shortfall')
    return {
      field: 'transfer',
      message: `must be asked or shortfall, got ${JSON.stringify(t)}`,
    };
  const floor = shield.floor;
  if (floor !== undefined && floor !== 'entitlement' && floor !== 'guarantee')
    return {
      field: 'floor',
      message: `must be entitlement or guarantee, got ${JSON.stringify(floor)}`,
    };
  return null;
}

function checkShield(shield: ResidualShield): ResidualShield {
  const problem = residualShieldProblem(shield ?? {});
  if (problem !== null)
    throw new InvalidArgumentError(`residualShield.${problem.field} ${problem.message}`);
  // `transfer` and `floor` only when set, so codecs without them serialise as before.
  return {
    utilization: shield.utilization,
    demandCap: shield.demandCap,
    ...(shield.transfer === undefined ? {} : { transfer: shield.transfer }),
    ...(shield.floor === undefined ? {} : { floor: shield.floor }),
  };
}

/** A loosening base: finite and >= 1 (1: the knob can only be tightened). */
function upBase(value: number, name: string): number {
  if (!(value >= 1 && Number.isFinite(value)))
    throw new InvalidArgumentError(`${name} must be a finite number >= 1, got ${value}`);
  return value;
}

export function positiveInteger(value: number, name: string): number {
  if (!(Number.isSafeInteger(value) && value > 0))
    throw new InvalidArgumentError(`${name} must be a positive integer, got ${value}`);
  return value;
}
