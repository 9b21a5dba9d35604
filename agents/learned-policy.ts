/**
 * The learned policy: a policy bundle's network behind the `Policy` contract, so the
 * simulator, the eval suite and the controller daemon run it exactly like a heuristic.
 *
 * `decide(signals)` runs the same code as ClusterEnv during training — the bundle's
 * observation codec, the observation normalisation the agent learned, one forward pass,
 * the bundle's action codec — so there is no train/serve skew. It acts deterministically
 * on the mean of the Gaussian policy (clipped to the action box), as is usual for
 * evaluating PPO (CleanRL's eval, SB3's `deterministic=True`).
 *
 * A residual bundle (trained in ClusterEnv's residual mode) names its base policies in
 * `codec.json`'s `base`; the learned policy rebuilds that composition from the policies
 * registry and applies the network's action as a correction of the base's decision
 * (`ActionCodec.decodeResidual`), as the env did in training.
 */
import * as tf from '@tensorflow/tfjs';
import { ActionCodec, type ActionCodecJson } from '../env/cluster/action-codec.js';
import { ObservationCodec, type ObservationCodecJson } from '../env/cluster/observation-codec.js';
import {
  createComposedPolicy,
  type BasePolicySpec,
  type ComposedPolicy,
} from '../policies/compose.js';
import type { Decision, Policy, PolicyContext, Signals } from '../policies/policy.js';
import { BundleError } from '../sim-cluster/errors.js';
import type { ActorCritic } from './actor-critic.js';
import { loadBundle } from './bundle.js';
import { GuaranteeShareRule } from './guarantee-share.js';
import { RunningMeanStd, normalizeRows, type RunningMeanStdState } from './running-normalizer.js';

/** What a cluster policy bundle keeps in `codec.json`. */
export interface ClusterBundleCodec {
  /** The env it was trained on, e.g. `governor/Cluster-v0`. */
  readonly env: string;
  readonly observation: ObservationCodecJson;
  readonly action: ActionCodecJson;
  /** The agent's running observation statistics, or null when it did not normalise. */
  readonly observationNormalization: RunningMeanStdState | null;
  /** Normalised observations are clipped to ±this. */
  readonly clipObservation: number;
  /** Residual bundles: the base policies the action corrects (absent or null: none). */
  readonly base?: readonly BasePolicySpec[] | null;
}

export class LearnedPolicy implements Policy {
  readonly name: string;
  private readonly observations: ObservationCodec;
  private readonly actions: ActionCodec;
  private readonly rms: RunningMeanStd | null;
  private readonly raw: Float32Array;
  private readonly normalized: Float32Array;
  private previousAction: Float32Array | null = null;
  private readonly base: ComposedPolicy | null;

  constructor(
    private readonly network: ActorCritic,
    private readonly codec: ClusterBundleCodec,
    name = 'learned',
    context: PolicyContext = {},
  ) {
    this.name = name;
    this.base =
      codec.base === undefined || codec.base === null
        ? null
        : createComposedPolicy(codec.base, context, 'codec.json base');
    this.observations = ObservationCodec.fromJSON(codec.observation);
    this.observations.trackRanges = false;
    this.actions = ActionCodec.fromJSON(codec.action);
    this.raw = new Float32Array(this.observations.size);
    this.normalized = new Float32Array(this.observations.size);
    if (codec.observationNormalization) {
      this.rms = new RunningMeanStd(this.observations.size);
      this.rms.setState(codec.observationNormalization);
    } else {
      this.rms = null;
    }
  }

  decide(signals: Signals): Decision {
    // The base decides first: the observation may show its decision (`baseFeatures`).
    const base = this.base === null ? null : this.base.decide(signals);
    const observation = this.observations.encodeInto(signals, this.previousAction, this.raw, base);
    if (this.rms) normalizeRows(this.rms, observation, this.normalized, this.codec.clipObservation);
    else this.normalized.set(observation);
    const action = this.meanAction(this.rms ? this.normalized : observation);
    this.previousAction = action;
    if (base !== null) return this.actions.decodeResidual(action, signals, base);
    return this.actions.decode(action, signals, signals.window + 1);
  }

  reset(): void {
    this.previousAction = null;
    this.observations.reset();
    this.base?.reset();
  }

  /** The Gaussian policy's mean action for one observation, clipped to [-1, 1]. */
  private meanAction(observation: Float32Array): Float32Array {
    const mean = tf.tidy(() => {
      const out = this.network.forward(tf.tensor2d(observation, [1, observation.length]));
      if (out.dist.kind !== 'gaussian') {
        throw new BundleError(
          `a cluster policy must have a continuous (Gaussian) action head, got ${out.dist.kind}`,
        );
      }
      return tf.clipByValue(out.dist.mean, -1, 1);
    });
    const values = mean.dataSync() as Float32Array;
    mean.dispose();
    if (values.length !== this.actions.actionSize) {
      throw new BundleError(
        `the bundle's network outputs ${values.length} action values but its action codec expects ${this.actions.actionSize}`,
      );
    }
    return Float32Array.from(values);
  }
}

/**
 * The base composition of the residual bundle at `dir` alone, without its network: the
 * ablation a residual policy is measured against (eval's `base:PATH`). It is the policy
 * `loadLearnedPolicy(dir)` runs when the network's correction is zero — the same
 * composition from the same `context` (so the same policy stream), deciding on every
 * window. Fails with a BundleError when the bundle is not a residual cluster bundle.
 */
export function loadBasePolicy(dir: string, context: PolicyContext = {}): Policy {
  const codec = loadBundle(dir).codec as Partial<ClusterBundleCodec> | null;
  if (!codec || typeof codec !== 'object' || !codec.base) {
    throw new BundleError(
      `${dir}: not a residual policy bundle: codec.json names no base policies, so there is no base to run`,
    );
  }
  return createComposedPolicy(codec.base, context, `${dir}/codec.json base`);
}

/**
 * Loads the bundle at `dir` (verifying its integrity) as a Policy. Fails with a
 * BundleError saying what is wrong when the bundle is not a cluster policy.
 */
export function loadLearnedPolicy(dir: string, context: PolicyContext = {}): LearnedPolicy {
  const bundle = loadBundle(dir);
  const codec = bundle.codec as Partial<ClusterBundleCodec> | null;
  if (!codec || typeof codec !== 'object' || !codec.observation || !codec.action) {
    throw new BundleError(
      `${dir}: not a cluster policy bundle: codec.json lacks observation and action codecs (trained on ${String(
        (codec as { env?: unknown } | null)?.env ?? 'an unknown env',
      )})`,
    );
  }
  const expected = new ObservationCodec(codec.observation).size;
  const spec = bundle.manifest.network;
  const inputs =
    spec.kind === 'mlp' ? spec.observationDim : spec.layout.maskOffset + spec.layout.slotCount;
  if (inputs !== expected) {
    throw new BundleError(
      `${dir}: the network takes ${inputs} inputs but the observation codec produces ${expected}`,
    );
  }
  return new LearnedPolicy(
    bundle.network,
    {
      env: codec.env ?? 'governor/Cluster-v0',
      observation: codec.observation,
      action: codec.action,
      observationNormalization: codec.observationNormalization ?? null,
      clipObservation: codec.clipObservation ?? 10,
      base: codec.base ?? null,
    },
    'learned',
    context,
  );
}

/**
 * The guarantee-share rule (guarantee-share.ts) on the residual bundle at `dir`: its
 * base composition corrected by the rule through the bundle's action codec — the hand
 * rule the bundle's policy may have been started from (imitation), run as the bundle's
 * network would be (eval's `rule:PATH`). Fails with a BundleError when the bundle is not
 * a residual cluster bundle.
 */
export function loadRulePolicy(dir: string, context: PolicyContext = {}): Policy {
  const codec = loadBundle(dir).codec as Partial<ClusterBundleCodec> | null;
  if (!codec || typeof codec !== 'object' || !codec.base || !codec.action) {
    throw new BundleError(
      `${dir}: not a residual policy bundle: codec.json names no base policies or action codec, so there is nothing for the rule to correct`,
    );
  }
  const base = createComposedPolicy(codec.base, context, `${dir}/codec.json base`);
  const actions = ActionCodec.fromJSON(codec.action);
  const rule = new GuaranteeShareRule(actions);
  const action = new Float32Array(actions.actionSize);
  return {
    name: 'guarantee-share',
    decide(signals: Signals): Decision {
      const decision = base.decide(signals);
      return actions.decodeResidual(rule.actionInto(signals, decision, action), signals, decision);
    },
    reset(): void {
      base.reset();
    },
  };
}
