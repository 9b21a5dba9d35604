/**
 * Actor-critic networks. `forward` returns the action distribution's parameters and the
 * state value for a batch of observations; call it inside `tf.tidy` or `tf.variableGrads`.
 */
import * as tf from '@tensorflow/tfjs';
import type { RngStream } from '../sim-cluster/rng.js';
import { createMlp, mlpForward, nameLayers } from './dense.js';
import type { NamedParameter } from './dense.js';
import type { DistributionParams } from './distributions.js';
import type { NetworkSpec } from './network-spec.js';
import { createTenantNetwork } from './tenant-network.js';

export interface ActorCriticOutput {
  readonly dist: DistributionParams;
  /** V(s) per sample, shape [batch]. */
  readonly value: tf.Tensor1D;
}

export interface ActorCritic {
  readonly spec: NetworkSpec;
  /** Every trainable tensor, in a stable order, with the name it is saved under. */
  readonly parameters: readonly NamedParameter[];
  forward(observations: tf.Tensor2D): ActorCriticOutput;
  /** V(s) alone (cheaper: skips the actor). */
  value(observations: tf.Tensor2D): tf.Tensor1D;
}

/** Builds the network a spec describes, initialised from `rng`. */
export function createActorCritic(spec: NetworkSpec, rng: RngStream): ActorCritic {
  return spec.kind === 'mlp' ? createMlpActorCritic(spec, rng) : createTenantNetwork(spec, rng);
}

/** Releases the network's variables. */
export function disposeActorCritic(net: ActorCritic): void {
  for (const p of net.parameters) p.variable.dispose();
}

function createMlpActorCritic(
  spec: Extract<NetworkSpec, { kind: 'mlp' }>,
  rng: RngStream,
): ActorCritic {
  const { observationDim, action, hidden } = spec;
  const outDim = action.kind === 'discrete' ? action.n : action.dim;
  // CleanRL builds the critic first; keep that order so a seed means the same network.
  const critic = createMlp([observationDim, ...hidden, 1], 1, rng.fork('critic'));
  const actor = createMlp([observationDim, ...hidden, outDim], 0.01, rng.fork('actor'));
  const parameters = [...nameLayers('critic', critic), ...nameLayers('actor', actor)];
  let logStd: tf.Variable | undefined;
  if (action.kind === 'continuous') {
    logStd = tf.variable(tf.zeros([action.dim]), true);
    parameters.push({ name: 'actor.logstd', variable: logStd });
  }
  const value = (obs: tf.Tensor2D) => tf.squeeze(mlpForward(critic, obs), [1]) as tf.Tensor1D;
  const forward = (obs: tf.Tensor2D): ActorCriticOutput => {
    const out = mlpForward(actor, obs);
    const dist: DistributionParams =
      logStd === undefined
        ? { kind: 'categorical', logits: out }
        : { kind: 'gaussian', mean: out, logStd };
    return { dist, value: value(obs) };
  };
  return { spec, parameters, forward, value };
}
