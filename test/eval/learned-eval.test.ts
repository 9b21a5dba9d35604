import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate } from '../../eval/aggregate.js';
import { evalSeeds, runJobs, suiteJobs } from '../../eval/run-suite.js';
import { checkPolicyNames } from '../../eval/resolve-policy.js';
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

const RESIDUAL_BASE = [{ policy: 'retro-drf' }, { policy: 'breakwater' }];

const overloadSuite = () =>
  validateSuite(
    {
      name: 'tiny',
      scenarios: [{ name: 'two', scenario: 'two-tenants', duration: 8, warmup: 2 }],
    },
    'tiny.yaml',
    '/tmp',
  );

test('base:PATH runs a residual bundle with a zero correction exactly, run for run', async () => {
  const dir = untrainedClusterBundle(5, 8, { base: RESIDUAL_BASE, zeroHead: true });
  const jobs = suiteJobs(overloadSuite(), [`learned:${dir}`, `base:${dir}`], evalSeeds(2));
  const results = await runJobs(jobs, { jobs: 1 });
  const of = (policy: string) => results.filter((r) => r.policy === policy);
  const strip = (r: (typeof results)[number]) => ({
    ...r,
    index: 0,
    policy: '',
    summary: { ...r.summary, policy: '' },
  });
  assert.deepEqual(of(`base:${dir}`).map(strip), of(`learned:${dir}`).map(strip));
  const cells = aggregate(results).cells;
  // Neither is a heuristic baseline: nothing to compare against.
  assert.equal(cells.find((c) => c.policy === `base:${dir}`)!.vsBest, null);
});

test('base:PATH differs from its learned policy when the correction is not zero', async () => {
  const dir = untrainedClusterBundle(5, 8, { base: RESIDUAL_BASE });
  const jobs = suiteJobs(overloadSuite(), [`learned:${dir}`, `base:${dir}`], evalSeeds(1));
  const [learned, base] = await runJobs(jobs, { jobs: 1 });
  assert.notDeepEqual(learned!.summary.tenants, base!.summary.tenants);
});

test('base:PATH on a bundle without a base fails with a clear error before any run', async () => {
  const dir = untrainedClusterBundle(5, 8);
  await assert.rejects(
    checkPolicyNames([`base:${dir}`]),
    /not a residual policy bundle: codec.json names no base policies/,
  );
});

test('rule:PATH runs the base corrected by the guarantee-share rule: the base where nobody is short', async () => {
  const dir = untrainedClusterBundle(5, 8, { base: RESIDUAL_BASE });
  const jobs = suiteJobs(overloadSuite(), [`base:${dir}`, `rule:${dir}`], evalSeeds(2));
  const results = await runJobs(jobs, { jobs: 1 });
  const parallel = await runJobs(jobs, { jobs: 2 });
  assert.deepEqual(parallel, results);
  for (const r of results) assert.ok(r.metrics.score >= 0 && r.metrics.score <= 1);
  await assert.rejects(
    checkPolicyNames([`rule:${untrainedClusterBundle(5, 8)}`]),
    /not a residual policy bundle: codec.json names no base policies or action codec/,
  );
});
