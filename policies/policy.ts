/**
 * The `Policy` contract (DESIGN.md): `decide(signals) → decision`, called once per control
 * window. Heuristics, the learned policy and "no control" all implement it, and the
 * simulator, the RL env, the eval suite and the daemon all call it the same way.
 */
import type { Decision } from '../sim-cluster/enforcement.js';
import type { RngStream } from '../sim-cluster/rng.js';
import type { Signals } from '../sim-cluster/signals.js';

export type {
  Decision,
  TenantDecision,
  ServiceDecision,
  AdmissionKnobs,
} from '../sim-cluster/enforcement.js';
export type {
  Signals,
  TenantSignals,
  ServiceSignals,
  ServiceTenantSignals,
  LatencySignals,
} from '../sim-cluster/signals.js';

/**
 * A controller. Lifecycle: created with its parameters, `decide` is called at the end of
 * every control window with that window's Signals and returns the complete Decision for
 * the next window(s) (knobs it leaves out return to their defaults). `reset` forgets
 * every piece of state learned so far, as at creation. Policies are deterministic: the
 * same sequence of Signals gives the same sequence of Decisions; any randomness comes
 * from the `RngStream` injected at creation.
 */
export interface Policy {
  /** Registry name, e.g. `retro-latency`. */
  readonly name: string;
  decide(signals: Signals): Decision;
  reset?(): void;
}

/** What a policy factory receives besides its parameters. */
export interface PolicyContext {
  /** The `policy` stream of the run's seed; the only source of randomness allowed. */
  readonly rng?: RngStream;
}

/** Decisions stay in force for this many control intervals if no newer one arrives. */
export const TTL_INTERVALS = 3;

/**
 * A complete decision for the window after `signals`: epoch = the window's index + 1
 * (monotone over a run), time-to-live = `TTL_INTERVALS` control intervals.
 */
export function decisionAfter(
  signals: Signals,
  knobs: Pick<Decision, 'tenants' | 'services'> = {},
): Decision {
  const interval = signals.endSeconds - signals.startSeconds;
  return {
    epoch: signals.window + 1,
    ttlSeconds: TTL_INTERVALS * (interval > 0 ? interval : 1),
    ...knobs,
  };
}

/** Seconds covered by a window (never 0, so rates stay finite). */
export function windowSeconds(signals: Signals): number {
  const w = signals.endSeconds - signals.startSeconds;
  return w > 0 ? w : 1;
}
