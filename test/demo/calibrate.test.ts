import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { empiricalOf, fitScenario, predict, replayScenario } from '../../demo/calibrate.js';
import type { PhaseResult } from '../../demo/run-phase.js';
import { DEMO } from '../../demo/topology.js';
import { parseScenario } from '../../sim-cluster/scenario/parse-scenario.js';
import { loadScenarioFile } from '../../sim-cluster/scenario/load.js';

test('an empirical fit keeps the quantiles of the measured values', () => {
  const values = Array.from({ length: 1000 }, (_, i) => (i + 1) / 1000);
  const spec = empiricalOf(values, 10);
  assert.equal(spec.dist, 'empirical');
  if (spec.dist !== 'empirical') return;
  assert.deepEqual(
    spec.values,
    [0.051, 0.151, 0.251, 0.351, 0.451, 0.551, 0.651, 0.751, 0.851, 0.951],
  );
});

/** A fake low-load run: every hop held its worker 10 ms, every call cost 2 ms of overhead. */
function fakeRun(): PhaseResult {
  const at = [5.1, 5.2, 6.5];
  return {
    label: 'fake',
    decisions: 0,
    fallbackDecisions: 0,
    services: DEMO.services.map((s) => ({
      type: 'stats',
      service: s.name,
      workSeconds: [0.01, 0.01],
      overheadSeconds: [0.002],
      hops: 2,
      cpuSeconds: 0.002,
      decisions: 0,
      reports: 0,
    })),
    load: {
      measuredSeconds: 10,
      score: 1,
      tenants: {},
      all: { throughput: 0, p50: 0, p99: 0 },
      overheadSeconds: [0.002],
      arrivals: { at, tenant: [0, 1, 0], api: ['browse', 'checkout', 'browse'] },
    },
  };
}

test('the calibrated scenario loads, and a replay predicts the hand-computed latency', () => {
  const fitted = fitScenario(DEMO, fakeRun(), { durationSeconds: 10, warmupSeconds: 5 });
  const scenario = parseScenario(fitted.yaml, '<test>');
  assert.deepEqual(
    fitted.services.map((s) => [s.service, s.meanWorkSeconds, s.cpuSecondsPerHop]),
    DEMO.services.map((s) => [s.name, 0.01, 0.001]),
  );
  const replay = replayScenario(scenario, fakeRun().load);
  assert.deepEqual(
    replay.tenants.map((t) => (t.arrivals.process === 'trace' ? t.arrivals.rows.length : -1)),
    [2, 1],
  );
  // Alone in the system: browse = 2 hops × (10 ms work + 2 × 1 ms one-way network);
  // checkout = frontend, catalog, then pricing ∥ inventory: 3 levels × 12 ms.
  const sim = predict(replay, 1);
  assert.ok(Math.abs(sim.p50 - 0.024) < 0.024 * 0.01, `p50 ${sim.p50}`);
  assert.ok(Math.abs(sim.p99 - 0.036) < 0.036 * 0.01, `p99 ${sim.p99}`);
  assert.equal(sim.throughput, 3 / 10);
});

test('the shipped calibrated demo scenario is valid for the loader', () => {
  const path = fileURLToPath(new URL('../../../demo/demo-calibrated.yaml', import.meta.url));
  const scenario = loadScenarioFile(path);
  assert.deepEqual(
    scenario.services.map((s) => s.name),
    DEMO.services.map((s) => s.name),
  );
});
