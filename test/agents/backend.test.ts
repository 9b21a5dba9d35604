import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../agents/backend.js';
import { createActorCritic, disposeActorCritic } from '../../agents/actor-critic.js';
import { logProb } from '../../agents/distributions.js';
import { RngStream } from '../../sim-cluster/rng.js';
import { InvalidArgumentError } from '../../sim-cluster/errors.js';

/** Gradients of a PPO-like loss of a small actor-critic on the active backend. */
function gradientsOnActiveBackend(): Map<string, Float32Array> {
  const spec = {
    kind: 'mlp',
    observationDim: 4,
    action: { kind: 'discrete', n: 2 },
    hidden: [8, 8],
  } as const;
  const net = createActorCritic(spec, new RngStream(11, 'init'));
  // Make the policy head non-trivial so its gradients are not tiny.
  tf.tidy(() => {
    for (const p of net.parameters)
      p.variable.assign(tf.mul(p.variable, p.name.startsWith('actor.2') ? 100 : 1));
  });
  const obs = tf.tensor2d([
    [0.1, -0.2, 0.3, 0.4],
    [1, 0.5, -1, 0],
    [-0.3, 0.2, 0.1, -0.9],
  ]);
  const actions = tf.tensor1d([0, 1, 1], 'int32');
  const vars = net.parameters.map((p) => p.variable);
  const { grads } = tf.variableGrads(() => {
    const out = net.forward(obs);
    const lp = logProb(out.dist, actions);
    return tf.add(tf.neg(tf.mean(lp)), tf.mean(tf.square(out.value)));
  }, vars);
  const result = new Map<string, Float32Array>();
  net.parameters.forEach((p) => {
    const g = grads[p.variable.name];
    assert.ok(g, `no gradient for ${p.name}`);
    result.set(p.name, g.dataSync() as Float32Array);
  });
  tf.dispose(grads);
  disposeActorCritic(net);
  return result;
}

test('wasm gradients match the cpu backend’s on a small actor-critic', async () => {
  const lines: string[] = [];
  await selectBackend({ force: 'wasm', log: (l) => lines.push(l) });
  assert.equal(tf.getBackend(), 'wasm');
  const wasm = gradientsOnActiveBackend();
  await selectBackend({ force: 'cpu', log: (l) => lines.push(l) });
  assert.equal(tf.getBackend(), 'cpu');
  const cpu = gradientsOnActiveBackend();
  for (const [name, g] of cpu) {
    const w = wasm.get(name)!;
    g.forEach((x, i) =>
      assert.ok(
        Math.abs(x - w[i]!) <= 1e-5 + 1e-4 * Math.abs(x),
        `${name}[${i}] cpu ${x} wasm ${w[i]}`,
      ),
    );
  }
  assert.deepEqual(lines, [
    'tfjs backend: wasm (wasm) [forced]',
    'tfjs backend: cpu (cpu) [forced]',
  ]);
});

test('automatic selection skips missing native packages and logs its choice', async () => {
  const lines: string[] = [];
  const choice = await selectBackend({ log: (l) => lines.push(l) });
  // tfjs-node(-gpu) is not installed on the test machine: wasm is the first that loads.
  assert.equal(choice.name, 'wasm');
  assert.equal(choice.skipped.length, 2);
  assert.match(lines[0]!, /^tfjs backend: wasm/);
});

test('forcing a backend that cannot load fails with its reason', async () => {
  await assert.rejects(selectBackend({ force: 'node', log: () => {} }), (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.match(e.message, /node: /);
    return true;
  });
});

test('an unknown backend name is an invalid argument', async () => {
  await assert.rejects(
    selectBackend({ force: 'tpu' as never, log: () => {} }),
    /backend must be one of/,
  );
});
