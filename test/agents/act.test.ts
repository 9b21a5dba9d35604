import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { act, drawNoise, noiseWidth } from '../../agents/act.js';
import { createActorCritic } from '../../agents/actor-critic.js';
import { logProb } from '../../agents/distributions.js';
import type { NetworkSpec } from '../../agents/network-spec.js';
import { RngStream } from '../../sim-cluster/rng.js';

await tf.setBackend('cpu');

const discrete: NetworkSpec = {
  kind: 'mlp',
  observationDim: 2,
  action: { kind: 'discrete', n: 3 },
  hidden: [8],
};

test('Gumbel-max sampling in one pass follows the policy’s softmax', () => {
  const net = createActorCritic(discrete, new RngStream(1, 'init'));
  // Set the policy head so that logits are [0, ln 2, ln 5] for every observation:
  // probabilities 1/8, 2/8, 5/8.
  tf.tidy(() => {
    const head = net.parameters.find((p) => p.name === 'actor.1.kernel')!.variable;
    head.assign(tf.zerosLike(head));
    net.parameters
      .find((p) => p.name === 'actor.1.bias')!
      .variable.assign(tf.tensor1d([0, Math.log(2), Math.log(5)]));
  });
  const batch = 4000;
  const noise = new Float32Array(batch * noiseWidth(net));
  drawNoise(net, new RngStream(2, 'policy'), noise);
  const { actions, logProbs } = act(net, new Float32Array(batch * 2), batch, noise);
  const counts = [0, 0, 0];
  actions.forEach((a) => counts[a]!++);
  // standard error of a frequency near 5/8 with n = 4000: sqrt(0.234 / 4000) ~ 0.008
  [1 / 8, 2 / 8, 5 / 8].forEach((p, k) =>
    assert.ok(Math.abs(counts[k]! / batch - p) < 0.03, `${k}: ${counts[k]}`),
  );
  actions.forEach((a, i) =>
    assert.ok(Math.abs(logProbs[i]! - Math.log([1 / 8, 2 / 8, 5 / 8][a]!)) < 1e-5),
  );
});

test('the log-probabilities returned with the actions are the network’s', () => {
  const spec: NetworkSpec = {
    kind: 'mlp',
    observationDim: 3,
    action: { kind: 'continuous', dim: 2 },
    hidden: [8],
  };
  const net = createActorCritic(spec, new RngStream(3, 'init'));
  const obs = new Float32Array([0.1, 0.2, 0.3, -1, 0, 1]);
  const noise = new Float32Array(2 * noiseWidth(net));
  drawNoise(net, new RngStream(4, 'policy'), noise);
  const r = act(net, obs, 2, noise);
  const expected = tf.tidy(() =>
    logProb(net.forward(tf.tensor2d(obs, [2, 3])).dist, tf.tensor2d(r.actions, [2, 2])).dataSync(),
  );
  r.logProbs.forEach((lp, i) => assert.ok(Math.abs(lp - expected[i]!) < 1e-5));
  const values = tf.tidy(() => net.value(tf.tensor2d(obs, [2, 3])).dataSync());
  r.values.forEach((v, i) => assert.ok(Math.abs(v - values[i]!) < 1e-6));
});
