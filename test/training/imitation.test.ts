import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createActorCritic, disposeActorCritic } from '../../agents/actor-critic.js';
import { GuaranteeShareRule } from '../../agents/guarantee-share.js';
import { packedTenantLayout } from '../../agents/network-spec.js';
import { serializeParameters } from '../../agents/weights-io.js';
import { ClusterEnv } from '../../env/index.js';
import { RngStream } from '../../sim-cluster/rng.js';
import { IMITATION_DEFAULTS, collectDemonstrations, imitate } from '../../training/imitation.js';

const ENV = {
  scenario: 'training/families/stress.yaml',
  base: [{ policy: 'retro-drf' }, { policy: 'breakwater' }],
  episodeWindows: 10,
  warmupWindows: 2,
  knobs: ['rateLimit', 'weight'] as ('rateLimit' | 'weight')[],
  observeBase: true,
  action: { residualRateBase: 4, residualRateUpBase: 2 },
};
const CONFIG = { ...IMITATION_DEFAULTS, steps: 96, epochs: 40, minibatchSize: 32, noiseStd: 0.1 };

test("demonstrations: the rule's noiseless targets of the states seen, padding masked; deterministic", () => {
  const a = collectDemonstrations(ENV, CONFIG, 3, 7);
  const b = collectDemonstrations(ENV, CONFIG, 3, 7);
  assert.deepEqual(a, b);
  assert.equal(a.count, 96);
  // Replay env 0's first window: the target is the rule's action on it.
  const env = new ClusterEnv({ ...ENV, baseRelativeReward: false });
  const first = env.reset({ seed: 7000 });
  assert.deepEqual(a.observations.subarray(0, a.observationDim), first.observation);
  const rule = new GuaranteeShareRule(env.actionCodec);
  const expected = rule.actionInto(
    env.lastSignals!,
    env.pendingBaseDecision!,
    new Float32Array(a.actionDim),
  );
  assert.deepEqual(a.targets.subarray(0, a.actionDim), expected);
  // Weights: 1 for the entries of occupied slots, 0 for padding, as the mask says.
  const { maskOffset } = env.observationCodec.layout;
  const k = env.actionCodec.knobsPerTenant;
  for (let j = 0; j < a.actionDim; j++)
    assert.equal(a.weights[j], first.observation[maskOffset + Math.floor(j / k)]);
  assert.ok(
    a.targets.some((x) => x !== 0),
    'the stress family has windows with someone short',
  );
  env.close();
});

test('imitation fits the actor mean to the targets, deterministically from the seed', () => {
  const demos = collectDemonstrations(ENV, CONFIG, 3, 7);
  const probe = new ClusterEnv(ENV);
  const { globalDim, slotCount, slotDim } = probe.observationCodec.layout;
  const spec = {
    kind: 'tenant' as const,
    layout: packedTenantLayout(globalDim, slotCount, slotDim),
    actionsPerTenant: 2,
    hidden: 16,
  };
  probe.close();
  const fit = () => {
    const net = createActorCritic(spec, new RngStream(3, 'init'));
    const critic = serializeParameters(net.parameters.filter((p) => !p.name.startsWith('actor')));
    const result = imitate(net, demos, CONFIG, 10, 5);
    const after = serializeParameters(net.parameters);
    const criticAfter = serializeParameters(
      net.parameters.filter((p) => !p.name.startsWith('actor')),
    );
    disposeActorCritic(net);
    return { result, after, critic, criticAfter };
  };
  const one = fit();
  const two = fit();
  assert.deepEqual(one.after, two.after);
  assert.deepEqual(one.result, two.result);
  // The critic is untouched; the actor's error falls well below the targets' variance
  // (what predicting their mean would leave).
  assert.deepEqual(one.criticAfter, one.critic);
  const { losses, initialLoss, targetVariance } = one.result;
  assert.equal(losses.length, CONFIG.epochs);
  assert.ok(targetVariance > 0);
  assert.ok(
    losses.at(-1)! < 0.5 * targetVariance,
    `${losses.at(-1)} vs variance ${targetVariance}`,
  );
  assert.ok(losses.at(-1)! < initialLoss);
  // The normaliser state is the demonstrations' statistics.
  assert.equal(one.result.obsRms.count, 1e-4 + demos.count);
});
