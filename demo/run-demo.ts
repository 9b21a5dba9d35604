/**
 * `governor demo`: the same overload scenario on the real demo three times — without
 * control, with the best heuristic, with the learned policy — each run with fresh
 * processes and a fresh daemon, and each tenant's SLO score for each.
 *
 * "Best heuristic" is chosen as an operator would, without touching the real system:
 * every heuristic of the registry is simulated on the demo's scenario (several seeds)
 * and the one with the highest mean run score is used.
 */
import { loadServedPolicy } from '../controller/policy-source.js';
import { policyRng, simulateWithPolicy } from '../policies/control-loop.js';
import type { Policy } from '../policies/policy.js';
import { createPolicy, policyNames } from '../policies/registry.js';
import type { Scenario } from '../sim-cluster/scenario/types.js';
import type { ProcessGroup } from './processes.js';
import { runPhase, type PhaseResult } from './run-phase.js';
import type { DemoTopology } from './topology.js';

export interface DemoOptions {
  readonly topology: DemoTopology;
  /** The demo as a scenario (calibrated if available), for choosing the heuristic. */
  readonly scenario: Scenario;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly seed: number;
  /** Multiplies every tenant's rate. */
  readonly scale: number;
  /** A heuristic's name; absent: the best in simulation. */
  readonly heuristic?: string;
  /** A policy bundle directory; absent: no learned run. */
  readonly learnedBundle?: string;
  readonly group: ProcessGroup;
  readonly log: (line: string) => void;
}

export interface DemoResult {
  readonly heuristic: string;
  /** Simulated run score of every heuristic on the demo scenario (mean over seeds). */
  readonly simulatedScores: Readonly<Record<string, number>>;
  readonly runs: readonly PhaseResult[];
}

/** Mean simulated run score of each registry heuristic on `scenario` over `seeds`. */
export function rankHeuristics(
  scenario: Scenario,
  seeds: readonly number[],
): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const name of policyNames()) {
    let sum = 0;
    for (const seed of seeds)
      sum += simulateWithPolicy(scenario, createPolicy(name, undefined, { rng: policyRng(seed) }), {
        seed,
      }).score;
    scores[name] = sum / seeds.length;
  }
  return scores;
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const simulatedScores = rankHeuristics(o.scenario, [1, 2, 3]);
  const heuristic =
    o.heuristic ??
    Object.entries(simulatedScores)
      .filter(([name]) => name !== 'none')
      .sort((a, b) => b[1] - a[1])[0]![0];
  o.log(`best heuristic in simulation: ${heuristic} (${simulatedScores[heuristic]?.toFixed(3)})`);
  const plans: { label: string; policy: Policy }[] = [
    { label: 'no control', policy: createPolicy('none') },
    {
      label: heuristic,
      policy: createPolicy(heuristic, undefined, { rng: policyRng(o.seed) }),
    },
  ];
  if (o.learnedBundle !== undefined) {
    // Loaded before any run, so a bad bundle fails at once.
    const policy = await loadServedPolicy(o.learnedBundle, { seed: o.seed });
    plans.push({ label: 'learned', policy });
  }
  const runs: PhaseResult[] = [];
  for (const plan of plans) {
    o.log(`run: ${plan.label} (${o.warmupSeconds} s warm-up + ${o.durationSeconds} s measured)`);
    runs.push(
      await runPhase({
        label: plan.label,
        topology: o.topology,
        policy: plan.policy,
        warmupSeconds: o.warmupSeconds,
        durationSeconds: o.durationSeconds,
        seed: o.seed,
        scale: o.scale,
        group: o.group,
        log: o.log,
      }),
    );
  }
  return { heuristic, simulatedScores, runs };
}
