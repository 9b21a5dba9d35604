import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActorCritic, disposeActorCritic } from '../../agents/actor-critic.js';
import { saveBundle } from '../../agents/bundle.js';
import { packedTenantLayout } from '../../agents/network-spec.js';
import { aggregate } from '../../eval/aggregate.js';
import { evalSeeds, runJobs, suiteJobs } from '../../eval/run-suite.js';
import { validateSuite } from '../../eval/suite.js';
import { ActionCodec } from '../../env/cluster/action-codec.js';
import { ObservationCodec } from '../../env/cluster/observation-codec.js';
import { RngStream } from '../../sim-cluster/rng.js';

/** An untrained per-tenant network saved as a cluster policy bundle. */
function untrainedBundle(): string {
  const observation = new ObservationCodec({ slotCount: 4 });
  const action = new ActionCodec({ slotCount: 4 });
  const { globalDim, slotCount, slotDim } = observation.layout;
  const network = createActorCritic(
    {
      kind: 'tenant',
      layout: packedTenantLayout(globalDim, slotCount, slotDim),
      actionsPerTenant: action.knobsPerTenant,
      hidden: 8,
    },
    new RngStream(5, 'init'),
  );
  const dir = join(mkdtempSync(join(tmpdir(), 'governor-eval-learned-')), 'bundle');
  saveBundle(
    dir,
    network,
    {
      env: 'governor/Cluster-v0',
      observation: observation.toJSON(),
      action: action.toJSON(),
      observationNormalization: null,
      clipObservation: 10,
    },
    { algorithm: 'ppo' },
  );
  disposeActorCritic(network);
  return dir;
}

test('a learned:PATH bundle runs in the eval like any heuristic, identically across threads', async () => {
  const suite = validateSuite(
    { name: 'tiny', scenarios: [{ name: 'two', scenario: 'two-tenants', duration: 5, warmup: 2 }] },
    'tiny.yaml',
    '/tmp',
  );
  const learned = `learned:${untrainedBundle()}`;
  const jobs = suiteJobs(suite, ['none', learned], evalSeeds(2));
  const serial = await runJobs(jobs, { jobs: 1 });
  const parallel = await runJobs(jobs, { jobs: 2 });
  assert.deepEqual(parallel, serial);
  assert.equal(serial[2]!.summary.policy, learned);
  const cell = aggregate(serial).cells.find((c) => c.policy === learned)!;
  assert.equal(cell.vsBest!.baseline, 'none');
});
