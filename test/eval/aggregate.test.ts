import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate } from '../../eval/aggregate.js';
import type { RunResult } from '../../eval/run-job.js';

/** A run reduced to what aggregation reads. */
function run(scenario: string, policy: string, seed: number, score: number): RunResult {
  return {
    index: 0,
    scenario,
    policy,
    seed,
    metrics: {
      score,
      fluidBound: 1,
      fairness: 1,
      meanUtilization: 0.5,
      maxUtilization: 0.5,
      tenants: {
        t: {
          weight: 1,
          sloScore: score,
          goodput: 0,
          goodputPerSecond: 0,
          throughputPerSecond: 0,
          offeredPerSecond: 0,
          p50Seconds: 0.01,
          p99Seconds: 0.02,
          p999Seconds: 0.03,
          rejected: 0,
          rejectedWithinEntitlement: 0,
        },
      },
    },
  } as unknown as RunResult;
}

const scores: Record<string, Record<string, number[]>> = {
  a: { none: [0.5, 0.6, 0.55], static: [0.7, 0.72, 0.71], 'learned:x': [0.8, 0.85, 0.9] },
  b: { none: [0.9, 0.92, 0.91], static: [0.6, 0.6, 0.6], 'learned:x': [0.8, 0.8, 0.8] },
};
const results = Object.entries(scores).flatMap(([sc, byPolicy]) =>
  Object.entries(byPolicy).flatMap(([p, xs]) => xs.map((x, i) => run(sc, p, i + 1, x))),
);
const a = aggregate(results);
const cell = (sc: string, p: string) => a.cells.find((c) => c.scenario === sc && c.policy === p)!;

test('each policy is compared with the best heuristic of the scenario, never a learned one', () => {
  assert.equal(cell('a', 'learned:x').vsBest!.baseline, 'static');
  assert.equal(cell('b', 'learned:x').vsBest!.baseline, 'none');
  // The best heuristic itself is compared with the next best.
  assert.equal(cell('a', 'static').vsBest!.baseline, 'none');
  assert.ok(Math.abs(cell('a', 'learned:x').vsBest!.mean - (0.85 - 0.71)) < 1e-12);
  assert.deepEqual(
    [cell('a', 'learned:x').vsBest!.wins, cell('b', 'learned:x').vsBest!.losses],
    [3, 3],
  );
});

test('the suite row averages scenarios per seed and flags scenarios more than 5% below the best', () => {
  const learned = a.suite.find((r) => r.policy === 'learned:x')!;
  // Seed 1: (0.8 + 0.8)/2, seed 2: (0.85 + 0.8)/2, seed 3: (0.9 + 0.8)/2.
  assert.ok(Math.abs(learned.score.mean - (0.8 + 0.825 + 0.85) / 3) < 1e-12);
  // On b the learned policy's 0.8 is below 0.95 × 0.91.
  assert.deepEqual(learned.scenariosBelowBest, ['b']);
  // On the suite, none averages 0.73 and static 0.655: none is the best baseline.
  assert.equal(learned.vsBest!.baseline, 'none');
  assert.equal(learned.vsBest!.n, 6);
});

test('per-tenant means are taken over seeds', () => {
  assert.ok(Math.abs(cell('a', 'none').tenants.t!.sloScore - 0.55) < 1e-12);
  assert.equal(cell('a', 'none').tenants.t!.p99Seconds, 0.02);
});

test('a learned policy is paired with its own base:PATH, and with nothing when its base was not run', () => {
  const withBase = aggregate([
    ...results,
    ...[0.78, 0.8, 0.84].map((x, i) => run('a', 'base:x', i + 1, x)),
    ...[0.8, 0.81, 0.79].map((x, i) => run('b', 'base:x', i + 1, x)),
  ]);
  assert.equal(a.ablations.length, 0);
  assert.equal(withBase.ablations.length, 1);
  const ab = withBase.ablations[0]!;
  assert.deepEqual([ab.policy, ab.base], ['learned:x', 'base:x']);
  // a: +0.02, +0.05, +0.06; b: 0, -0.01, +0.01 → mean of the six differences.
  assert.ok(Math.abs(ab.suite.mean - (0.02 + 0.05 + 0.06 + 0 - 0.01 + 0.01) / 6) < 1e-12);
  assert.deepEqual([ab.suite.wins, ab.suite.ties, ab.suite.losses], [4, 1, 1]);
  assert.deepEqual(
    ab.scenarios.map((s) => [s.scenario, s.vsBase.wins, s.vsBase.losses]),
    [
      ['a', 3, 0],
      ['b', 1, 1],
    ],
  );
  // The base is a bundle's ablation, not a heuristic: never anyone's best baseline.
  assert.ok(withBase.cells.every((c) => c.vsBest?.baseline !== 'base:x'));
});

test('a learned policy is also paired with its rule:PATH when that was run, after its base', () => {
  const both = aggregate([
    ...results,
    ...[0.8, 0.8, 0.8].map((x, i) => run('a', 'rule:x', i + 1, x)),
    ...[0.8, 0.8, 0.8].map((x, i) => run('b', 'rule:x', i + 1, x)),
    ...[0.78, 0.8, 0.84].map((x, i) => run('a', 'base:x', i + 1, x)),
    ...[0.8, 0.81, 0.79].map((x, i) => run('b', 'base:x', i + 1, x)),
  ]);
  assert.deepEqual(
    both.ablations.map((ab) => ab.base),
    ['base:x', 'rule:x'],
  );
  const rule = both.ablations[1]!;
  // learned: a 0.8, 0.85, 0.9; b 0.8 ×3 → differences 0, 0.05, 0.1, 0, 0, 0.
  assert.ok(Math.abs(rule.suite.mean - 0.15 / 6) < 1e-12);
  assert.deepEqual([rule.suite.wins, rule.suite.ties, rule.suite.losses], [2, 4, 0]);
  assert.ok(both.cells.every((c) => c.vsBest?.baseline !== 'rule:x'));
});
