/**
 * No control (BASELINES.md): admit everything and leave every scheduler at its defaults
 * (the scenario's weights, priority 0). The floor every other policy must beat.
 *
 * Simplifications: none — it returns the empty decision, which the enforcement state
 * reads as "every knob at its default".
 */
import { decisionAfter, type Decision, type Policy, type Signals } from './policy.js';

export const NO_CONTROL_DEFAULTS = {} as const;

export class NoControl implements Policy {
  readonly name = 'none';

  decide(signals: Signals): Decision {
    return decisionAfter(signals);
  }
}
