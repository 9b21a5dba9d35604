/**
 * From runs to the numbers a report shows: per scenario and policy, means and 95%
 * bootstrap intervals across seeds; per scenario, a paired comparison of every policy
 * with the best baseline (the heuristic with the highest mean score, other than the
 * policy itself); over the suite, the same on the suite average.
 */
import { BASE_PREFIX, LEARNED_PREFIX, RULE_PREFIX, namesBundle } from './resolve-policy.js';
import type { RunResult } from './run-job.js';
import {
  bootstrapInterval,
  mean,
  pairedComparison,
  type Interval,
  type PairedComparison,
} from './statistics.js';

export interface Comparison extends PairedComparison {
  /** The baseline compared against. */
  readonly baseline: string;
}

export interface Cell {
  readonly scenario: string;
  readonly policy: string;
  /** Run scores across seeds (seed order). */
  readonly scores: readonly number[];
  readonly score: Interval;
  readonly fluidBound: Interval;
  readonly fairness: Interval;
  readonly meanUtilization: number;
  /** Weighted mean over tenants of p99 latency, seconds (mean over seeds). */
  readonly p99Seconds: number;
  /** Requests rejected within entitlement per run (mean over seeds). */
  readonly rejectedWithinEntitlement: number;
  readonly vsBest: Comparison | null;
  /** Per tenant, each metric's mean across seeds. */
  readonly tenants: Readonly<Record<string, TenantMeans>>;
}

/** A tenant's metrics averaged over seeds (latencies in seconds). */
export interface TenantMeans {
  readonly sloScore: number;
  readonly goodputPerSecond: number;
  readonly offeredPerSecond: number;
  readonly p50Seconds: number;
  readonly p99Seconds: number;
  readonly p999Seconds: number;
  readonly rejectedWithinEntitlement: number;
}

export interface SuiteRow {
  readonly policy: string;
  /** Mean over scenarios of each seed's score. */
  readonly score: Interval;
  /** Against the best baseline on the suite, paired by (scenario, seed). */
  readonly vsBest: Comparison | null;
  /** Scenarios where the policy's mean is more than 5% below that scenario's best baseline. */
  readonly scenariosBelowBest: readonly string[];
}

/**
 * A learned residual policy against its own base composition (`learned:PATH` against
 * `base:PATH`, both evaluated): what the learned corrections add; or against that base
 * corrected by the guarantee-share rule (`rule:PATH`): what learning adds to the hand rule.
 */
export interface Ablation {
  readonly policy: string;
  /** The comparator: `base:PATH` or `rule:PATH` of the same bundle. */
  readonly base: string;
  /** Paired by (scenario, seed) over the whole suite. */
  readonly suite: PairedComparison;
  /** Paired by seed, per scenario (suite order). */
  readonly scenarios: readonly { readonly scenario: string; readonly vsBase: PairedComparison }[];
}

export interface Aggregate {
  readonly scenarios: readonly string[];
  readonly policies: readonly string[];
  readonly seeds: readonly number[];
  readonly cells: readonly Cell[];
  readonly suite: readonly SuiteRow[];
  /** One per `learned:PATH` and its `base:PATH` or `rule:PATH` evaluated too. */
  readonly ablations: readonly Ablation[];
}

/**
 * Whether a policy name is a heuristic (a baseline) rather than a bundle: a learned
 * policy, or a residual bundle's base alone (an ablation, not a baseline heuristic).
 */
export function isBaseline(policy: string): boolean {
  return !namesBundle(policy);
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** The baseline other than `policy` with the highest mean of `scoreOf`, or null. */
function bestBaseline(
  policies: readonly string[],
  policy: string,
  scoreOf: (p: string) => number,
): string | null {
  let best: string | null = null;
  for (const p of policies) {
    if (p === policy || !isBaseline(p)) continue;
    if (best === null || scoreOf(p) > scoreOf(best)) best = p;
  }
  return best;
}

/** Aggregates runs (any order) into cells and suite rows; `seed` seeds the bootstrap. */
export function aggregate(results: readonly RunResult[], seed = 1): Aggregate {
  const scenarios = unique(results.map((r) => r.scenario));
  const policies = unique(results.map((r) => r.policy));
  const seeds = unique(results.map((r) => r.seed)).sort((a, b) => a - b);
  const runs = (scenario: string, policy: string) =>
    seeds.map((s) => {
      const r = results.find((x) => x.scenario === scenario && x.policy === policy && x.seed === s);
      if (r === undefined) throw new RangeError(`missing run ${scenario}/${policy}/seed ${s}`);
      return r;
    });
  const scores = (scenario: string, policy: string) =>
    runs(scenario, policy).map((r) => r.metrics.score);
  const boot = { seed };
  const cells: Cell[] = [];
  for (const scenario of scenarios) {
    for (const policy of policies) {
      const rs = runs(scenario, policy);
      const own = rs.map((r) => r.metrics.score);
      const base = bestBaseline(policies, policy, (p) => mean(scores(scenario, p)));
      cells.push({
        scenario,
        policy,
        scores: own,
        score: bootstrapInterval(own, boot),
        fluidBound: bootstrapInterval(
          rs.map((r) => r.metrics.fluidBound),
          boot,
        ),
        fairness: bootstrapInterval(
          rs.map((r) => r.metrics.fairness),
          boot,
        ),
        meanUtilization: mean(rs.map((r) => r.metrics.meanUtilization)),
        p99Seconds: mean(rs.map(weightedP99)),
        rejectedWithinEntitlement: mean(
          rs.map((r) =>
            Object.values(r.metrics.tenants).reduce((a, t) => a + t.rejectedWithinEntitlement, 0),
          ),
        ),
        vsBest:
          base === null
            ? null
            : { baseline: base, ...pairedComparison(own, scores(scenario, base), boot) },
        tenants: tenantMeans(rs),
      });
    }
  }
  const suiteScores = (policy: string) =>
    seeds.map((_, i) => mean(scenarios.map((sc) => scores(sc, policy)[i]!)));
  const flat = (policy: string) => scenarios.flatMap((sc) => scores(sc, policy));
  const suite = policies.map((policy): SuiteRow => {
    const base = bestBaseline(policies, policy, (p) => mean(flat(p)));
    return {
      policy,
      score: bootstrapInterval(suiteScores(policy), boot),
      vsBest:
        base === null
          ? null
          : { baseline: base, ...pairedComparison(flat(policy), flat(base), boot) },
      scenariosBelowBest: cells
        .filter((c) => c.policy === policy && c.vsBest !== null)
        .filter((c) => {
          const best = cells.find(
            (x) => x.scenario === c.scenario && x.policy === c.vsBest!.baseline,
          )!;
          return c.score.mean < 0.95 * best.score.mean;
        })
        .map((c) => c.scenario),
    };
  });
  const ablations = policies
    .filter((p) => p.startsWith(LEARNED_PREFIX))
    .flatMap((p) =>
      [BASE_PREFIX, RULE_PREFIX].map((prefix) => ({
        policy: p,
        base: prefix + p.slice(LEARNED_PREFIX.length),
      })),
    )
    .filter(({ base }) => policies.includes(base))
    .map(({ policy, base }): Ablation => ({
      policy,
      base,
      suite: pairedComparison(flat(policy), flat(base), boot),
      scenarios: scenarios.map((scenario) => ({
        scenario,
        vsBase: pairedComparison(scores(scenario, policy), scores(scenario, base), boot),
      })),
    }));
  return { scenarios, policies, seeds, cells, suite, ablations };
}

/** Tenants' p99 latencies averaged with their weights (seconds). */
function weightedP99(r: RunResult): number {
  let s = 0;
  let w = 0;
  for (const t of Object.values(r.metrics.tenants)) {
    s += t.weight * t.p99Seconds;
    w += t.weight;
  }
  return w > 0 ? s / w : 0;
}

/** Each tenant's metrics averaged over the runs (seeds) of one scenario and policy. */
function tenantMeans(rs: readonly RunResult[]): Record<string, TenantMeans> {
  const out: Record<string, TenantMeans> = {};
  for (const name of Object.keys(rs[0]?.metrics.tenants ?? {})) {
    const of = (pick: (t: RunResult['metrics']['tenants'][string]) => number) =>
      mean(rs.map((r) => pick(r.metrics.tenants[name]!)));
    out[name] = {
      sloScore: of((t) => t.sloScore),
      goodputPerSecond: of((t) => t.goodputPerSecond),
      offeredPerSecond: of((t) => t.offeredPerSecond),
      p50Seconds: of((t) => t.p50Seconds),
      p99Seconds: of((t) => t.p99Seconds),
      p999Seconds: of((t) => t.p999Seconds),
      rejectedWithinEntitlement: of((t) => t.rejectedWithinEntitlement),
    };
  }
  return out;
}
