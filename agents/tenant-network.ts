/**
 * A permutation-invariant per-tenant actor-critic (Deep Sets, Zaheer et al. 2017), so one
 * policy serves clusters with different numbers of tenants.
 *
 * The observation is `[global | slotCount x slotDim | mask]` (positions from a
 * {@link TenantObservationLayout}). Each active slot, concatenated with the global
 * features, goes through a shared encoder; masked mean and max pooling over the slots
 * gives a context that does not depend on slot order; a shared per-tenant head maps
 * `[slot encoding | context]` to that tenant's action means (equivariant), and the value
 * head reads the context alone (invariant). Actor and critic have separate encoders, as
 * CleanRL's separate actor and critic MLPs. Inactive slots influence nothing: they are
 * excluded from pooling, and their action dimensions are masked out of log-probabilities
 * and entropies.
 */
import * as tf from '@tensorflow/tfjs';
import type { RngStream } from '../sim-cluster/rng.js';
import type { ActorCritic, ActorCriticOutput } from './actor-critic.js';
import { createMlp, mlpForward, nameLayers } from './dense.js';
import type { Dense } from './dense.js';
import type { NetworkSpec, TenantObservationLayout } from './network-spec.js';

type TenantSpec = Extract<NetworkSpec, { kind: 'tenant' }>;

interface SplitObservation {
  /** [B, G] */
  readonly global: tf.Tensor2D;
  /** [B, T, D] */
  readonly slots: tf.Tensor3D;
  /** [B, T, 1] of 0/1 */
  readonly mask: tf.Tensor3D;
}

/** Cuts a batch of flat observations into its global, slot and mask parts. */
export function splitTenantObservation(
  obs: tf.Tensor2D,
  layout: TenantObservationLayout,
): SplitObservation {
  const b = obs.shape[0];
  const { slotCount: t, slotDim: d } = layout;
  const global = tf.slice(obs, [0, layout.globalOffset], [b, layout.globalDim]);
  const slots = tf.reshape(tf.slice(obs, [0, layout.slotsOffset], [b, t * d]), [b, t, d]);
  const mask = tf.reshape(tf.slice(obs, [0, layout.maskOffset], [b, t]), [b, t, 1]);
  return { global, slots: slots as tf.Tensor3D, mask: mask as tf.Tensor3D };
}

/** Applies a dense stack to the last axis of a [B, T, F] tensor. */
function perSlot(layers: readonly Dense[], x: tf.Tensor3D): tf.Tensor3D {
  const [b, t, f] = x.shape;
  const out = mlpForward(layers, tf.reshape(x, [b * t, f]));
  return tf.reshape(out, [b, t, out.shape[1]]);
}

/** Repeats a [B, F] tensor along a new slot axis: [B, T, F]. */
function broadcastToSlots(x: tf.Tensor2D, slotCount: number): tf.Tensor3D {
  return tf.tile(tf.expandDims(x, 1), [1, slotCount, 1]) as tf.Tensor3D;
}

/**
 * Encodes every slot and pools: returns the per-slot encodings [B, T, H] (tanh, in
 * (-1, 1)) and the context `[masked mean | masked max | global]` [B, 2H + G].
 */
function encodeAndPool(encoder: readonly Dense[], split: SplitObservation) {
  const t = split.slots.shape[1];
  const input = tf.concat([split.slots, broadcastToSlots(split.global, t)], 2);
  // The encoder's last layer is followed by tanh here, so encodings lie in (-1, 1).
  const encoded = tf.tanh(perSlot(encoder, input));
  const count = tf.maximum(tf.sum(split.mask, 1), 1);
  const mean = tf.div(tf.sum(tf.mul(encoded, split.mask), 1), count);
  // Inactive slots are pushed to -2, below any tanh output, so they never win the max;
  // with no active slot the max is the constant -2.
  const max = tf.max(tf.sub(tf.mul(tf.add(encoded, 2), split.mask), 2), 1);
  return { encoded, context: tf.concat([mean, max, split.global], 1) as tf.Tensor2D };
}

export function createTenantNetwork(spec: TenantSpec, rng: RngStream): ActorCritic {
  const { layout, actionsPerTenant: k, hidden: h } = spec;
  const g = layout.globalDim;
  const contextDim = 2 * h + g;
  const criticEncoder = createMlp([layout.slotDim + g, h, h], Math.SQRT2, rng.fork('critic'));
  const criticHead = createMlp([contextDim, h, 1], 1, rng.fork('critic-head'));
  const actorEncoder = createMlp([layout.slotDim + g, h, h], Math.SQRT2, rng.fork('actor'));
  const actorHead = createMlp([h + contextDim, h, k], 0.01, rng.fork('actor-head'));
  const logStd = tf.variable(tf.fill([k], spec.initLogStd ?? 0), true);
  const parameters = [
    ...nameLayers('critic.encoder', criticEncoder),
    ...nameLayers('critic.head', criticHead),
    ...nameLayers('actor.encoder', actorEncoder),
    ...nameLayers('actor.head', actorHead),
    { name: 'actor.logstd', variable: logStd },
  ];

  const valueOf = (split: SplitObservation) => {
    const { context } = encodeAndPool(criticEncoder, split);
    return tf.squeeze(mlpForward(criticHead, context), [1]) as tf.Tensor1D;
  };
  const forward = (obs: tf.Tensor2D): ActorCriticOutput => {
    const split = splitTenantObservation(obs, layout);
    const b = obs.shape[0];
    const t = layout.slotCount;
    const { encoded, context } = encodeAndPool(actorEncoder, split);
    const headInput = tf.concat([encoded, broadcastToSlots(context, t)], 2) as tf.Tensor3D;
    const mean = tf.reshape(perSlot(actorHead, headInput), [b, t * k]) as tf.Tensor2D;
    const mask = tf.reshape(tf.tile(split.mask, [1, 1, k]), [b, t * k]) as tf.Tensor2D;
    const perDimLogStd = tf.tile(logStd, [t]);
    return { dist: { kind: 'gaussian', mean, logStd: perDimLogStd, mask }, value: valueOf(split) };
  };
  const value = (obs: tf.Tensor2D) => valueOf(splitTenantObservation(obs, layout));
  return { spec, parameters, forward, value };
}
