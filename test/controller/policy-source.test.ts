import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { pino } from 'pino';
import { createActorCritic, disposeActorCritic } from '../../agents/actor-critic.js';
import { saveBundle } from '../../agents/bundle.js';
import { packedTenantLayout } from '../../agents/network-spec.js';
import { GuardedPolicy } from '../../controller/guarded-policy.js';
import { loadServedPolicy } from '../../controller/policy-source.js';
import { ActionCodec } from '../../env/cluster/action-codec.js';
import { ObservationCodec } from '../../env/cluster/observation-codec.js';
import { RngStream } from '../../sim-cluster/rng.js';
import { UsageError } from '../../sim-cluster/errors.js';
import { ControllerDaemon } from '../../controller/daemon.js';
import { GovernorClient } from '../../controller/sdk/client.js';
import { FeatureRanges } from '../../env/cluster/feature-ranges.js';
import { TrainingRanges } from '../../training/training-ranges.js';
import { report, tenant } from './fixtures.js';

await tf.setBackend('cpu');

/** An untrained cluster bundle whose manifest records `featureRanges` (as given). */
function bundle(featureRanges: unknown = { 'tenant.offeredRate': { min: 0, max: 500 } }): string {
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
  saveBundle(dir, network, codec, { featureRanges });
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

/**
 * `training.featureRanges` exactly as `governor export` writes it: training's
 * TrainingRanges after one episode that saw offered rates in [0, 500] req/s.
 */
function exportedRanges(): Record<string, { min: number; max: number }> {
  const observation = new ObservationCodec({ slotCount: 4 });
  const ranges = new TrainingRanges(observation.ranges.names, observation.layout.globalDim);
  ranges.merge({
    codec: observation.ranges.toJSON(),
    guard: { 'tenant.offeredRate': [0, 500], 'tenant.latencyP99': [0, 2] },
  });
  return ranges.toFeatureRanges();
}

test('a daemon serving a bundle with recorded ranges falls back while inputs are out of range, logging and counting each switch', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
  const policy = await loadServedPolicy(bundle(exportedRanges()), { fallback: 'static' });
  assert.ok(policy instanceof GuardedPolicy);
  const daemon = await ControllerDaemon.start({ policy, bind: 'tcp://127.0.0.1:*', logger });
  const client = new GovernorClient({
    endpoint: daemon.endpoint,
    instance: 'gw',
    service: 'gw',
    role: 'ingress',
    safe: {},
  });
  try {
    client.start();
    await client.waitForWelcome();
    // A tenant without a guaranteed rate: only the recorded ranges can switch the guard.
    const offering = (offered: number) => [{ ...tenant('t', offered), guaranteedRate: null }];
    const modes: string[] = [];
    for (const [w, offered] of [
      [0, 100],
      [1, 5000],
      [2, 4000],
      [3, 300],
    ] as const) {
      const answer = client.waitForDecision(w);
      client.report(report(w, offering(offered)));
      await answer;
      modes.push(policy.mode);
    }
    assert.deepEqual(modes, ['primary', 'fallback', 'fallback', 'primary']);
    assert.equal(policy.switches, 2);
    const counted = await daemon.metrics.guardSwitches.get();
    assert.deepEqual(counted.values.map((v) => [v.labels.mode, v.value]).sort(), [
      ['fallback', 1],
      ['primary', 1],
    ]);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; reason: string });
    assert.equal(logged.length, 2);
    assert.match(logged[0]!.msg, /switched to its fallback/);
    assert.match(
      logged[0]!.reason,
      /tenant\.offeredRate = 5000 outside the trained range \[0, 500\]/,
    );
    assert.match(logged[1]!.msg, /switched to its primary/);
  } finally {
    await client.close();
    await daemon.stop();
  }
});

test('ranges recorded as FeatureRanges.toJSON() guard the same features', async () => {
  const recorded = new FeatureRanges(['tenant.offeredRate', 'service.utilization']);
  recorded.merge({ names: recorded.names, min: [0, null], max: [500, null], count: [3, 0] });
  const policy = await loadServedPolicy(bundle(recorded.toJSON()));
  assert.ok(policy instanceof GuardedPolicy);
  const signals = (offered: number) => ({
    window: 0,
    startSeconds: 0,
    endSeconds: 1,
    measured: true,
    decisionEpoch: -1,
    tenants: [{ ...tenant('t', offered), guaranteedRate: null }],
    services: [],
  });
  policy.decide(signals(100));
  assert.equal(policy.mode, 'primary');
  policy.decide(signals(501));
  assert.equal(policy.mode, 'fallback');
});

test('a recorded range with min above max is a bundle error naming the feature', async () => {
  await assert.rejects(
    loadServedPolicy(bundle({ 'tenant.latencyP99': { min: 2, max: 1 } })),
    /training\.featureRanges\.tenant\.latencyP99 must be \{min <= max\}/,
  );
});
