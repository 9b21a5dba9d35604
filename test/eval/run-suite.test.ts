import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJobs, suiteJobs, evalSeeds } from '../../eval/run-suite.js';
import { validateSuite } from '../../eval/suite.js';
import { aggregate } from '../../eval/aggregate.js';

/** Two short scenarios, two policies, two seeds: 8 runs of a few simulated seconds. */
const suite = validateSuite(
  {
    name: 'tiny',
    scenarios: [
      { name: 'overload', scenario: 'two-tenants', duration: 8, warmup: 2 },
      { name: 'neighbour', scenario: 'noisy-neighbour', duration: 6, warmup: 2 },
    ],
  },
  'tiny.yaml',
  '/tmp',
);
const jobs = suiteJobs(suite, ['none', 'static'], evalSeeds(2));

test('jobs run scenario by scenario, then policy, then seed', () => {
  assert.deepEqual(
    jobs.map((j) => `${j.entry.name}/${j.policy}/${j.seed}`),
    [
      'overload/none/1',
      'overload/none/2',
      'overload/static/1',
      'overload/static/2',
      'neighbour/none/1',
      'neighbour/none/2',
      'neighbour/static/1',
      'neighbour/static/2',
    ],
  );
});

test('results are identical in one thread and across worker threads', async () => {
  const serial = await runJobs(jobs, { jobs: 1 });
  const parallel = await runJobs(jobs, { jobs: 3 });
  assert.deepEqual(parallel, serial);
  assert.deepEqual(
    serial.map((r) => r.index),
    jobs.map((j) => j.index),
  );
  // Different seeds are different runs.
  assert.notDeepEqual(serial[0]!.summary.tenants, serial[1]!.summary.tenants);
  const a = aggregate(serial);
  assert.deepEqual(a.scenarios, ['overload', 'neighbour']);
  for (const c of a.cells)
    assert.ok(c.fluidBound.mean + 1e-9 >= c.score.mean, `${c.scenario}/${c.policy}`);
});

test('a failing run stops the eval with its error', async () => {
  const bad = suiteJobs(suite, ['learned:/nonexistent.bundle'], [1]);
  await assert.rejects(
    runJobs(bad, { jobs: 2 }),
    /cannot run learned policy '\/nonexistent\.bundle'/,
  );
});
