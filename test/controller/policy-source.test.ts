import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createActorCritic, disposeActorCritic } from '../../agents/actor-critic.js';
import { saveBundle } from '../../agents/bundle.js';
import { packedTenantLayout } from '../../agents/network-spec.js';
import { GuardedPolicy } from '../../controller/guarded-policy.js';
import { loadServedPolicy } from '../../controller/policy-source.js';
import { ActionCodec } from '../../env/cluster/action-codec.js';
import { ObservationCodec } from '../../env/cluster/observation-codec.js';
import { RngStream } from '../../sim-cluster/rng.js';
import { UsageError } from '../../sim-cluster/errors.js';

await tf.setBackend('cpu');

/** An untrained cluster bundle that records the offered-rate range seen in training. */
function bundle(): string {
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
    new RngStream(3, 'init'),
  );
  const dir = join(mkdtempSync(join(tmpdir(), 'governor-served-')), 'bundle');
  const codec = {
    env: 'governor/Cluster-v0',
    observation: observation.toJSON(),
    action: action.toJSON(),
    observationNormalization: null,
    clipObservation: 10,
  };
  saveBundle(dir, network, codec, {
    featureRanges: { 'tenant.offeredRate': { min: 0, max: 500 } },
  });
  disposeActorCritic(network);
  return dir;
}

test('a registry name is served as that heuristic', async () => {
  assert.equal((await loadServedPolicy('static')).name, 'static');
});

test('an unknown name is a usage error listing the known policies', async () => {
  await assert.rejects(
    loadServedPolicy('nope'),
    (e) => e instanceof UsageError && /known:/.test(e.message),
  );
});

test('a bundle is served as its learned policy behind a guard with the recorded ranges', async () => {
  const policy = await loadServedPolicy(bundle(), { fallback: 'none' });
  assert.ok(policy instanceof GuardedPolicy);
  assert.match(policy.name, /fallback none/);
});
