import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RngStream } from '../../sim-cluster/rng.js';
import { resolveScenario } from '../../sim-cluster/scenario/load.js';
import { parseScenario } from '../../sim-cluster/scenario/parse-scenario.js';
import { scenarioToYaml } from '../../sim-cluster/scenario/to-yaml.js';
import type { Scenario } from '../../sim-cluster/scenario/types.js';
import { perturbScenario, scaleArrivals, stageAt } from '../../training/randomization.js';
import type { RandomizationConfig } from '../../training/randomization.js';
import { RandomizedClusterEnv } from '../../training/randomized-cluster-env.js';

const WIDE: RandomizationConfig = {
  scenarios: ['cluster-train'],
  rateScale: [0.5, 2],
  mixJitter: 0.3,
  replicaScale: [0.5, 3],
  coreScale: [0.5, 2],
  tenants: [1, 3],
  faults: {
    probability: 0.7,
    kinds: ['slowdown', 'crash', 'latency', 'noisy-neighbour'],
    durationSeconds: [1, 4],
  },
};
const base = resolveScenario('cluster-train');
/** Offered rate of a Poisson tenant. */
const rate = (s: Scenario, name: string) => {
  const a = s.tenants.find((t) => t.name === name)!.arrivals;
  return a.process === 'poisson' ? a.rate : NaN;
};

test('the same seed draws the same episode, another seed a different one', () => {
  const draw = (seed: number) => perturbScenario(base, WIDE, new RngStream(seed, 'dr'), 20, 8);
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7).draws, draw(8).draws);
});

test('every draw stays in its configured range over 300 seeds', () => {
  const faults = new Set<string>();
  for (let seed = 0; seed < 300; seed++) {
    const { scenario, draws } = perturbScenario(base, WIDE, new RngStream(seed, 'dr'), 20, 8);
    assert.ok(draws.rateScale >= 0.5 && draws.rateScale <= 2, `rateScale ${draws.rateScale}`);
    assert.ok(draws.replicaScale >= 0.5 && draws.replicaScale <= 3);
    assert.ok(draws.coreScale >= 0.5 && draws.coreScale <= 2);
    assert.ok(draws.tenants >= 1 && draws.tenants <= Math.min(3, base.tenants.length));
    assert.equal(scenario.tenants.length, draws.tenants);
    for (const t of scenario.tenants) {
      const original = base.tenants.find((b) => b.name === t.name)!;
      if (original.arrivals.process === 'poisson')
        assert.ok(Math.abs(rate(scenario, t.name) / rate(base, t.name) - draws.rateScale) < 1e-9);
      t.requests.forEach((r, i) => {
        const ratio = r.weight / original.requests[i]!.weight;
        assert.ok(ratio >= 0.7 - 1e-12 && ratio <= 1.3 + 1e-12, `mix ratio ${ratio}`);
      });
    }
    scenario.services.forEach((s, i) => {
      const b = base.services[i]!;
      assert.equal(s.replicas, Math.max(1, Math.round(b.replicas * draws.replicaScale)));
      assert.ok(Math.abs(s.cores - b.cores * draws.coreScale) < 1e-9);
    });
    const injected = scenario.faults.slice(base.faults.length);
    assert.equal(injected.length, draws.fault === null ? 0 : 1);
    for (const f of injected) {
      faults.add(f.kind);
      assert.ok(f.at >= 0 && f.at <= 20 && f.duration >= 1 && f.duration <= 4);
    }
    // Every member is a valid scenario: it survives the loader's validation.
    parseScenario(scenarioToYaml(scenario), `seed ${seed}`);
  }
  assert.equal(faults.size, 4, `every fault kind drawn: ${[...faults].join(', ')}`);
});

test('without ranges the scenario is left as it is', () => {
  const { scenario, draws } = perturbScenario(base, { scenarios: ['x'] }, new RngStream(1), 20, 8);
  assert.deepEqual(scenario, base);
  assert.deepEqual(draws, {
    rateScale: 1,
    replicaScale: 1,
    coreScale: 1,
    tenants: base.tenants.length,
    fault: null,
  });
});

test('scaling arrivals multiplies the mean rate of every process by the factor', () => {
  const mmpp = scaleArrivals(
    {
      process: 'mmpp',
      states: [
        { rate: 10, meanDuration: 1 },
        { rate: 0, meanDuration: 2 },
      ],
    },
    3,
  );
  assert.deepEqual(mmpp, {
    process: 'mmpp',
    states: [
      { rate: 30, meanDuration: 1 },
      { rate: 0, meanDuration: 2 },
    ],
  });
  const trace = scaleArrivals(
    { process: 'trace', file: 'f', timeScale: 1, rows: [{ at: 4, api: 'a' }] },
    2,
  );
  assert.deepEqual(trace, {
    process: 'trace',
    file: 'f',
    timeScale: 0.5,
    rows: [{ at: 2, api: 'a' }],
  });
  assert.deepEqual(
    scaleArrivals(
      { process: 'closed', users: 10, thinkTime: { dist: 'constant', value: 1 } },
      1.26,
    ),
    {
      process: 'closed',
      users: 13,
      thinkTime: { dist: 'constant', value: 1 },
    },
  );
});

test('stageAt picks the last stage whose fromStep has been reached', () => {
  const stages = [0, 1000, 5000].map((fromStep) => ({
    fromStep,
    randomization: { scenarios: ['a'] },
  }));
  assert.deepEqual(
    [0, 999, 1000, 4999, 5000, 10 ** 9].map((s) => stageAt(stages, s)),
    [0, 0, 1, 1, 2, 2],
  );
});

test('the env switches curriculum stage at the configured global step', () => {
  // 10 steps per episode; this env is one of 4 sub-envs, so each of its steps is 4 global steps.
  const env = new RandomizedClusterEnv({
    cluster: { episodeWindows: 10 },
    stages: [
      { fromStep: 0, randomization: { scenarios: ['cluster-train'], tenants: [1, 1] } },
      { fromStep: 80, randomization: { scenarios: ['cluster-train'], tenants: [2, 2] } },
    ],
    stepsPerStep: 4,
  });
  const action = new Float32Array(env.actionSpace.shape[0]!);
  const seen: { stage: number; tenants: number; step: number }[] = [];
  env.reset({ seed: 5 });
  for (let step = 0; step < 40; step++) {
    const r = env.step(action);
    if (r.truncated) {
      seen.push({
        stage: r.info.stage,
        tenants: r.info.randomization!.tenants,
        step: (step + 1) * 4,
      });
      env.reset();
    }
  }
  // Episodes start at global steps 0, 40, 80, 120: the third is the first of stage 1.
  assert.deepEqual(
    seen.map((s) => [s.stage, s.tenants]),
    [
      [0, 1],
      [0, 1],
      [1, 2],
      [1, 2],
    ],
  );
});

test('a resumed env continues the curriculum from its start step', () => {
  const env = new RandomizedClusterEnv({
    cluster: { episodeWindows: 5 },
    stages: [
      { fromStep: 0, randomization: { scenarios: ['cluster-train'] } },
      { fromStep: 1000, randomization: { scenarios: ['cluster-train'] } },
    ],
    stepsPerStep: 8,
    startStep: 1000,
  });
  assert.equal(env.reset({ seed: 1 }).info.stage, 1);
});

test('episodes of one seed are reproducible and report their draws and feature ranges', () => {
  const run = () => {
    const env = new RandomizedClusterEnv({
      cluster: { episodeWindows: 5 },
      stages: [{ fromStep: 0, randomization: WIDE }],
    });
    const action = new Float32Array(env.actionSpace.shape[0]!);
    env.reset({ seed: 11 });
    const out = [];
    for (let i = 0; i < 15; i++) {
      const r = env.step(action);
      out.push(r.reward);
      if (r.truncated) {
        const ranges = r.info.featureRanges!;
        const [lo, hi] = ranges.guard['service.utilization']!;
        assert.ok(lo >= 0 && lo <= hi);
        assert.ok(ranges.codec.count.every((c) => c > 0));
        out.push(JSON.stringify(r.info.randomization));
        env.reset();
      }
    }
    return out;
  };
  assert.deepEqual(run(), run());
});
