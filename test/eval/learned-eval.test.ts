import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate } from '../../eval/aggregate.js';
import { evalSeeds, runJobs, suiteJobs } from '../../eval/run-suite.js';
import { validateSuite } from '../../eval/suite.js';
import { untrainedClusterBundle } from '../fixtures/cluster-bundle.js';

test('a learned:PATH bundle runs in the eval like any heuristic, identically across threads', async () => {
  const suite = validateSuite(
    { name: 'tiny', scenarios: [{ name: 'two', scenario: 'two-tenants', duration: 5, warmup: 2 }] },
    'tiny.yaml',
    '/tmp',
  );
  const learned = `learned:${untrainedClusterBundle(5, 8)}`;
  const jobs = suiteJobs(suite, ['none', learned], evalSeeds(2));
  const serial = await runJobs(jobs, { jobs: 1 });
  const parallel = await runJobs(jobs, { jobs: 2 });
  assert.deepEqual(parallel, serial);
  assert.equal(serial[2]!.summary.policy, learned);
  const cell = aggregate(serial).cells.find((c) => c.policy === learned)!;
  assert.equal(cell.vsBest!.baseline, 'none');
});
