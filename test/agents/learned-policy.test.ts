import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createActorCritic, disposeActorCritic } from '../../agents/actor-critic.js';
import { saveBundle } from '../../agents/bundle.js';
import { loadLearnedPolicy } from '../../agents/learned-policy.js';
import { simulateWithPolicy } from '../../policies/control-loop.js';
import { createComposedPolicy } from '../../policies/compose.js';
import { BundleError } from '../../sim-cluster/errors.js';
import { RngStream } from '../../sim-cluster/rng.js';
import { resolveScenario } from '../../sim-cluster/scenario/load.js';
import { untrainedClusterBundle } from '../fixtures/cluster-bundle.js';

await tf.setBackend('cpu');

const clusterBundle = (seed: number) => untrainedClusterBundle(seed);

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

test('a residual bundle rebuilds its base: with a zero-output head it runs exactly as the base', () => {
  const base = [{ policy: 'retro-drf' }, { policy: 'breakwater' }];
  const scenario = resolveScenario('two-tenants');
  const run = (policy: Parameters<typeof simulateWithPolicy>[1]) => {
    const decisions: string[] = [];
    const summary = simulateWithPolicy(scenario, policy, {
      seed: 3,
      durationSeconds: 20,
      observe: (_, d) => decisions.push(JSON.stringify(d)),
    });
    return { ...summary, policy: '', wallSeconds: 0, decisions };
  };
  const zero = loadLearnedPolicy(untrainedClusterBundle(5, 16, { base, zeroHead: true }));
  const expected = run(createComposedPolicy(base));
  assert.deepEqual(run(zero), expected);
  assert.ok(
    expected.decisions.some((d) => d.includes('rateLimit')),
    'the base rate-limits',
  );
  // An untrained (nonzero) head corrects the base, so the run differs.
  const corrected = loadLearnedPolicy(untrainedClusterBundle(5, 16, { base }));
  assert.notDeepEqual(run(corrected).decisions, expected.decisions);
});
