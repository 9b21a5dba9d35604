/**
 * One evaluation run: a suite scenario under one policy with one seed, from start to
 * end, returning its summary, metrics, timeline and latency CDFs. Deterministic given
 * (scenario, policy, seed): no wall clock is read here (`wallSeconds` is 0).
 */
import { compileModel } from '../sim-cluster/model.js';
import { resolveScenario } from '../sim-cluster/scenario/load.js';
import type { Scenario } from '../sim-cluster/scenario/types.js';
import { Simulation } from '../sim-cluster/simulation.js';
import { summarize, type SimSummary } from '../sim-cluster/summary.js';
import { tenantDemands } from './fluid-bound.js';
import { runMetrics, type RunMetrics } from './metrics.js';
import { resolvePolicy } from './resolve-policy.js';
import type { SuiteEntry } from './suite.js';
import { TimelineRecorder, type Timeline } from './timeline.js';

export interface EvalJob {
  /** Position of the job in the suite's job list (results come back in this order). */
  readonly index: number;
  readonly entry: SuiteEntry;
  readonly policy: string;
  readonly seed: number;
}

/** Percentiles at which latency CDFs are sampled. */
export const CDF_PERCENTILES: readonly number[] = [
  ...Array.from({ length: 99 }, (_, i) => i + 1),
  99.5,
  99.9,
  99.99,
];

export interface RunResult {
  readonly index: number;
  readonly scenario: string;
  readonly policy: string;
  readonly seed: number;
  readonly summary: SimSummary;
  readonly metrics: RunMetrics;
  readonly timeline: Timeline;
  /** Per tenant, latency seconds at each of `CDF_PERCENTILES`. */
  readonly latencyCdf: Readonly<Record<string, readonly number[]>>;
}

/** The suite entry's scenario with its overrides applied. */
export function entryScenario(entry: SuiteEntry): Scenario {
  const base = resolveScenario(
    entry.scenario,
    entry.familySeed !== undefined ? { familySeed: entry.familySeed } : {},
  );
  return {
    ...base,
    ...(entry.durationSeconds !== undefined ? { duration: entry.durationSeconds } : {}),
    ...(entry.warmupSeconds !== undefined ? { warmup: entry.warmupSeconds } : {}),
  };
}

/** Runs one job to completion. */
export function runJob(job: EvalJob): RunResult {
  const model = compileModel(entryScenario(job.entry));
  const policy = resolvePolicy(job.policy, job.seed);
  policy.reset?.();
  const recorder = new TimelineRecorder();
  const sim = new Simulation(model, {
    seed: job.seed,
    onWindow: (s, signals) => {
      recorder.add(signals);
      s.applyDecision(policy.decide(signals));
    },
  });
  sim.run();
  const summary = { ...summarize(sim, job.policy, 0), scenario: job.entry.name };
  const timeline = recorder.timeline();
  const latencyCdf: Record<string, number[]> = {};
  model.tenants.forEach((t, i) => {
    const h = sim.tenantStats[i]!.latency;
    latencyCdf[t.spec.name] = h.count > 0 ? CDF_PERCENTILES.map((p) => h.percentile(p)) : [];
  });
  return {
    index: job.index,
    scenario: job.entry.name,
    policy: job.policy,
    seed: job.seed,
    summary,
    metrics: runMetrics(summary, timeline, tenantDemands(model)),
    timeline,
    latencyCdf,
  };
}
