import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import { assertAction } from '../check-action.js';
import type { Env } from '../env.js';
import type { BoxValue } from '../spaces/box.js';
import { Box } from '../spaces/box.js';
import { Wrapper } from '../wrapper.js';
import { boxActionSpace } from './clip-action.js';

/**
 * Maps actions from `[minAction, maxAction]` affinely onto the inner Box's bounds
 * (Gymnasium's `RescaleAction`): `low + (high − low)·(a − min)/(max − min)`. The inner
 * action space must be bounded; out-of-range outer actions raise `InvalidActionError`.
 */
export class RescaleAction<Obs> extends Wrapper<Obs, BoxValue> {
  private readonly inner: Box;
  private readonly outer: Box;

  constructor(
    env: Env<Obs, BoxValue>,
    minAction: number | ArrayLike<number> = -1,
    maxAction: number | ArrayLike<number> = 1,
  ) {
    super(env);
    this.inner = boxActionSpace(env as Env, 'RescaleAction');
    if (!this.inner.isBounded())
      throw new InvalidArgumentError(
        `RescaleAction needs a bounded action space, got ${this.inner.describe()}`,
      );
    this.outer = new Box({
      low: minAction,
      high: maxAction,
      shape: this.inner.shape,
      dtype: this.inner.dtype,
    });
    for (let i = 0; i < this.outer.size; i++) {
      if (
        !((this.outer.low[i] as number) < (this.outer.high[i] as number)) ||
        !Number.isFinite(this.outer.high[i])
      )
        throw new InvalidArgumentError(
          `RescaleAction needs finite minAction < maxAction, got ${this.outer.low[i]} and ${this.outer.high[i]} at index ${i}`,
        );
    }
  }

  override get actionSpace(): Box {
    return this.outer;
  }

  protected override action(action: BoxValue): BoxValue {
    assertAction('RescaleAction', this.outer, action);
    const out = this.inner.allocate();
    for (let i = 0; i < out.length; i++) {
      const lo = this.inner.low[i] as number;
      const hi = this.inner.high[i] as number;
      const min = this.outer.low[i] as number;
      const max = this.outer.high[i] as number;
      const v = lo + (hi - lo) * (((action[i] as number) - min) / (max - min));
      out[i] = Math.min(hi, Math.max(lo, v));
    }
    return out;
  }
}
