import { compileModel } from './model.js';
import type { Scenario } from './scenario/types.js';
import { Simulation, type SimulationOptions } from './simulation.js';
import { summarize, type SimSummary } from './summary.js';

export interface SimulateOptions extends SimulationOptions {
  /** Name reported as the run's policy (default `none`). */
  readonly policy?: string;
  /** Wall-clock reader injected by the edge (the simulator never reads it itself). */
  readonly clock?: () => number;
}

/** Runs a scenario from start to end and returns its summary. */
export function simulate(scenario: Scenario, options: SimulateOptions = {}): SimSummary {
  const clock = options.clock ?? (() => 0);
  const started = clock();
  const sim = new Simulation(compileModel(scenario), options);
  sim.run();
  return summarize(sim, options.policy ?? 'none', clock() - started);
}
