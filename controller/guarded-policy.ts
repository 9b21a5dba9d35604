/**
 * A guard around a policy that may not be trusted outside what it has seen (issue 9,
 * point 7): every window's inputs are checked against the feature ranges recorded in
 * training, and every decision against safety bounds; outside either, a named heuristic
 * fallback decides until the inputs are back in range. Each switch is reported through
 * `onSwitch` (the daemon logs and counts it).
 *
 * Pure: no clock, no I/O. Features are generic per kind (every tenant's offered rate is
 * checked against the one `tenant.offeredRate` range), so ranges do not depend on
 * tenant names.
 */
import type { Decision } from '../sim-cluster/enforcement.js';
import type { Signals } from '../sim-cluster/signals.js';
import type { Policy } from '../policies/policy.js';

/** Closed range of a feature as seen in training. */
export interface FeatureRange {
  readonly min: number;
  readonly max: number;
}

/** The features the guard checks, by name. */
export const GUARD_FEATURES = [
  'tenant.offeredRate',
  'tenant.latencyP99',
  'service.utilization',
  'service.queueLength',
] as const;
export type GuardFeature = (typeof GUARD_FEATURES)[number];

export interface SafetyBounds {
  /** Below this utilisation of every service, capacity counts as spare (default 0.8). */
  readonly spareUtilization?: number;
}

export type GuardMode = 'primary' | 'fallback';

export interface GuardOptions {
  readonly primary: Policy;
  readonly fallback: Policy;
  /** Ranges by feature; a feature without a range is not checked. */
  readonly ranges: Readonly<Partial<Record<GuardFeature, FeatureRange>>>;
  readonly bounds?: SafetyBounds;
}

/** Every value of every guard feature in `signals`. */
export function guardFeatures(signals: Signals): Record<GuardFeature, number[]> {
  const seconds = Math.max(signals.endSeconds - signals.startSeconds, 1e-9);
  return {
    'tenant.offeredRate': signals.tenants.map((t) => t.offered / seconds),
    'tenant.latencyP99': signals.tenants.map((t) => t.latency.p99),
    'service.utilization': signals.services.map((s) => s.utilization),
    'service.queueLength': signals.services.map((s) => s.queueLength),
  };
}

/** The first input outside its range, described, or null when all are inside. */
export function inputViolation(signals: Signals, ranges: GuardOptions['ranges']): string | null {
  const features = guardFeatures(signals);
  for (const name of GUARD_FEATURES) {
    const range = ranges[name];
    if (range === undefined) continue;
    for (const value of features[name]) {
      if (!(value >= range.min && value <= range.max))
        return `${name} = ${value} outside the trained range [${range.min}, ${range.max}]`;
    }
  }
  return null;
}

/**
 * The first safety bound `decision` breaks, or null: no tenant is throttled below its
 * guaranteed rate while every service has spare capacity.
 */
export function decisionViolation(
  decision: Decision,
  signals: Signals,
  bounds: SafetyBounds = {},
): string | null {
  const spare = bounds.spareUtilization ?? 0.8;
  if (!signals.services.every((s) => s.utilization < spare)) return null;
  for (const t of signals.tenants) {
    const limit = decision.tenants?.[t.name]?.rateLimit?.ratePerSecond;
    if (t.guaranteedRate !== null && limit !== undefined && limit < t.guaranteedRate)
      return `tenant ${t.name} limited to ${limit}/s, below its guaranteed ${t.guaranteedRate}/s while capacity is spare`;
  }
  return null;
}

export class GuardedPolicy implements Policy {
  readonly name: string;
  mode: GuardMode = 'primary';
  /** Switches so far, either way. */
  switches = 0;
  /** Called on every switch with the new mode and the reason. */
  onSwitch: (mode: GuardMode, reason: string) => void = () => {};

  constructor(private readonly options: GuardOptions) {
    this.name = `guarded(${options.primary.name}, fallback ${options.fallback.name})`;
  }

  decide(signals: Signals): Decision {
    const input = inputViolation(signals, this.options.ranges);
    if (input !== null) return this.fallBack(signals, input);
    const decision = this.options.primary.decide(signals);
    const unsafe = decisionViolation(decision, signals, this.options.bounds);
    if (unsafe !== null) return this.fallBack(signals, unsafe);
    if (this.mode === 'fallback') this.switchTo('primary', 'inputs back in range');
    return decision;
  }

  reset(): void {
    this.mode = 'primary';
    this.options.primary.reset?.();
    this.options.fallback.reset?.();
  }

  private fallBack(signals: Signals, reason: string): Decision {
    if (this.mode === 'primary') this.switchTo('fallback', reason);
    return this.options.fallback.decide(signals);
  }

  private switchTo(mode: GuardMode, reason: string): void {
    this.mode = mode;
    this.switches++;
    this.onSwitch(mode, reason);
  }
}
