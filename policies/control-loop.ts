/**
 * The control loop in the simulator: at the end of every control window the policy sees
 * that window's Signals and its decision governs the next window(s), through the
 * simulator's enforcement points (`Simulation.applyDecision`).
 */
import { compileModel } from '../sim-cluster/model.js';
import { RngStreams } from '../sim-cluster/rng.js';
import type { Scenario } from '../sim-cluster/scenario/types.js';
import type { SimulateOptions } from '../sim-cluster/simulate.js';
import { Simulation } from '../sim-cluster/simulation.js';
import { summarize, type SimSummary } from '../sim-cluster/summary.js';
import type { Decision, Policy, Signals } from './policy.js';

export interface ControlLoopOptions extends Omit<SimulateOptions, 'onWindow' | 'policy'> {
  /** Sees every window's signals and the decision taken on them (for tests and logs). */
  readonly observe?: (signals: Signals, decision: Decision) => void;
}

/**
 * Runs `scenario` under `policy` from start to end and returns its summary, whose
 * `policy` field is the policy's name. `decide` is called once per control window,
 * warmup included, and its decision is applied at once.
 */
export function simulateWithPolicy(
  scenario: Scenario,
  policy: Policy,
  options: ControlLoopOptions = {},
): SimSummary {
  const clock = options.clock ?? (() => 0);
  const started = clock();
  policy.reset?.();
  const sim = new Simulation(compileModel(scenario), {
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.durationSeconds !== undefined ? { durationSeconds: options.durationSeconds } : {}),
    onWindow: (s, signals) => {
      const decision = policy.decide(signals);
      options.observe?.(signals, decision);
      s.applyDecision(decision);
    },
  });
  sim.run();
  return summarize(sim, policy.name, clock() - started);
}

/** The `policy` stream for a run of `seed` (the one source of a policy's randomness). */
export function policyRng(seed: number) {
  return new RngStreams(seed).get('policy');
}
