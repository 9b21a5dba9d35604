import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createActorCritic, disposeActorCritic } from '../../agents/actor-critic.js';
import { saveBundle } from '../../agents/bundle.js';
import { loadLearnedPolicy } from '../../agents/learned-policy.js';
import { packedTenantLayout } from '../../agents/network-spec.js';
import { ActionCodec } from '../../env/cluster/action-codec.js';
import { ObservationCodec } from '../../env/cluster/observation-codec.js';
import { simulateWithPolicy } from '../../policies/control-loop.js';
import { BundleError } from '../../sim-cluster/errors.js';
import { RngStream } from '../../sim-cluster/rng.js';
import { resolveScenario } from '../../sim-cluster/scenario/load.js';

await tf.setBackend('cpu');

/** A freshly initialised (untrained) per-tenant policy saved as a cluster bundle. */
function clusterBundle(seed: number): string {
  const observation = new ObservationCodec({ slotCount: 4 });
  const action = new ActionCodec({ slotCount: 4 });
  const { globalDim, slotCount, slotDim } = observation.layout;
  const network = createActorCritic(
    {
      kind: 'tenant',
      layout: packedTenantLayout(globalDim, slotCount, slotDim),
      actionsPerTenant: action.knobsPerTenant,
      hidden: 16,
    },
    new RngStream(seed, 'init'),
  );
  const dir = join(mkdtempSync(join(tmpdir(), 'governor-learned-')), 'bundle');
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

test('a cluster bundle runs as a policy and controls a simulation', () => {
  const policy = loadLearnedPolicy(clusterBundle(1));
  const decisions: number[] = [];
  const summary = simulateWithPolicy(resolveScenario('two-tenants'), policy, {
    durationSeconds: 10,
    observe: (_, decision) => decisions.push(Object.keys(decision.tenants ?? {}).length),
  });
  assert.equal(summary.policy, 'learned');
  assert.ok(decisions.length >= 60, `one decision per window, got ${decisions.length}`);
  assert.ok(
    decisions.every((n) => n === 2),
    'every decision sets knobs for both tenants',
  );
});

test('the learned policy is deterministic: two loads of one bundle give the same run', () => {
  const dir = clusterBundle(2);
  const run = () =>
    JSON.stringify({
      ...simulateWithPolicy(resolveScenario('two-tenants'), loadLearnedPolicy(dir), {
        durationSeconds: 5,
      }),
      wallSeconds: 0,
    });
  assert.equal(run(), run());
});

test('different networks make different decisions', () => {
  const run = (seed: number) => {
    const out: string[] = [];
    simulateWithPolicy(resolveScenario('two-tenants'), loadLearnedPolicy(clusterBundle(seed)), {
      durationSeconds: 2,
      observe: (_, d) => out.push(JSON.stringify(d.tenants)),
    });
    return out.join();
  };
  assert.notEqual(run(3), run(4));
});

test('a bundle trained on another env is refused with a clear reason', () => {
  const network = createActorCritic(
    { kind: 'mlp', observationDim: 4, action: { kind: 'discrete', n: 2 }, hidden: [8] },
    new RngStream(1, 'init'),
  );
  const dir = join(mkdtempSync(join(tmpdir(), 'governor-learned-')), 'bundle');
  saveBundle(
    dir,
    network,
    { env: 'CartPole-v1', observationNormalization: null, clipObservation: 10 },
    {},
  );
  disposeActorCritic(network);
  assert.throws(
    () => loadLearnedPolicy(dir),
    (e: unknown) =>
      e instanceof BundleError && /not a cluster policy bundle.*CartPole-v1/.test(e.message),
  );
});
