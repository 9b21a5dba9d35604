/**
 * Fail-static leases (pure): which decision part an instance enforces at a given time.
 * The controller's part while its lease runs, the configured safe part after that.
 */
import type { DecisionPart } from '../protocol.js';

export interface LeaseState {
  /** Controller session the decision came from ('' before any). */
  readonly session: string;
  readonly epoch: number;
  readonly part: DecisionPart | null;
  /** Seconds (on the instance's clock) when the lease runs out. */
  readonly expiresAtSeconds: number;
}

export const NO_LEASE: LeaseState = {
  session: '',
  epoch: -1,
  part: null,
  expiresAtSeconds: -Infinity,
};

/** What is enforced now, and where it came from. */
export function partInForce(
  state: LeaseState,
  safe: DecisionPart,
  nowSeconds: number,
): { readonly part: DecisionPart; readonly source: 'controller' | 'safe'; readonly epoch: number } {
  if (state.part !== null && nowSeconds < state.expiresAtSeconds)
    return { part: state.part, source: 'controller', epoch: state.epoch };
  return { part: safe, source: 'safe', epoch: -1 };
}

/**
 * A received decision: accepted when it comes from a new controller session or carries
 * a newer epoch (an older epoch is stale and ignored).
 */
export function acceptDecision(
  state: LeaseState,
  session: string,
  epoch: number,
  part: DecisionPart,
  leaseSeconds: number,
  nowSeconds: number,
): LeaseState {
  if (session === state.session && epoch < state.epoch) return state;
  return { session, epoch, part, expiresAtSeconds: nowSeconds + leaseSeconds };
}

/** A heartbeat reply renews the lease of the epoch in force, and only that one. */
export function renewLease(
  state: LeaseState,
  session: string,
  epoch: number,
  leaseSeconds: number,
  nowSeconds: number,
): LeaseState {
  if (
    state.part === null ||
    session !== state.session ||
    epoch !== state.epoch ||
    leaseSeconds <= 0
  )
    return state;
  return {
    ...state,
    expiresAtSeconds: Math.max(state.expiresAtSeconds, nowSeconds + leaseSeconds),
  };
}
