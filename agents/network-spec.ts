/**
 * What a policy network is, as JSON: enough to rebuild it before loading its weights
 * (bundles and checkpoints store this spec next to the weights).
 */

/** The action space as the network sees it. */
export type ActionSpec =
  | { readonly kind: 'discrete'; readonly n: number }
  | { readonly kind: 'continuous'; readonly dim: number };

/**
 * Where the parts of a per-tenant observation sit in the flat observation vector:
 * `globalDim` global features at `globalOffset`, `slotCount x slotDim` per-tenant
 * features at `slotsOffset` (slot-major), and `slotCount` 0/1 activity flags at
 * `maskOffset`. ClusterEnv's observation codec defines the actual values.
 */
export interface TenantObservationLayout {
  readonly globalOffset: number;
  readonly globalDim: number;
  readonly slotsOffset: number;
  readonly slotCount: number;
  readonly slotDim: number;
  readonly maskOffset: number;
}

/** The default layout `[global | slots | mask]`. */
export function packedTenantLayout(
  globalDim: number,
  slotCount: number,
  slotDim: number,
): TenantObservationLayout {
  return {
    globalOffset: 0,
    globalDim,
    slotsOffset: globalDim,
    slotCount,
    slotDim,
    maskOffset: globalDim + slotCount * slotDim,
  };
}

export type NetworkSpec =
  | {
      /** Separate actor and critic MLPs, as CleanRL's Agent. */
      readonly kind: 'mlp';
      readonly observationDim: number;
      readonly action: ActionSpec;
      readonly hidden: readonly number[];
    }
  | {
      /**
       * A permutation-invariant per-tenant network: a shared encoder per tenant slot,
       * masked mean and max pooling for context, a per-tenant Gaussian action head
       * (`actionsPerTenant` dims per slot, actions laid out slot-major) and a value head
       * on the pooled context.
       */
      readonly kind: 'tenant';
      readonly layout: TenantObservationLayout;
      readonly actionsPerTenant: number;
      readonly hidden: number;
      /**
       * Initial log standard deviation of the Gaussian head (default 0). A residual
       * policy starts lower, so early exploration stays near its base.
       */
      readonly initLogStd?: number;
    };
