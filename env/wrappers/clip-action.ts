import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import { assertAction } from '../check-action.js';
import type { Env } from '../env.js';
import type { BoxValue } from '../spaces/box.js';
import { Box } from '../spaces/box.js';
import { Wrapper } from '../wrapper.js';

/** The inner Box action space of `env`, or an `InvalidArgumentError` naming the wrapper. */
export function boxActionSpace(env: Env, wrapper: string): Box {
  const space = env.actionSpace;
  if (!(space instanceof Box))
    throw new InvalidArgumentError(`${wrapper} needs a Box action space, got ${space.describe()}`);
  return space;
}

/**
 * Clips continuous actions into the inner action space (Gymnasium's `ClipAction`). The
 * outer action space is unbounded; NaN and wrongly shaped actions still raise
 * `InvalidActionError`.
 */
export class ClipAction<Obs> extends Wrapper<Obs, BoxValue> {
  private readonly inner: Box;
  private readonly outer: Box;

  constructor(env: Env<Obs, BoxValue>) {
    super(env);
    this.inner = boxActionSpace(env as Env, 'ClipAction');
    this.outer = new Box({
      low: -Infinity,
      high: Infinity,
      shape: this.inner.shape,
      dtype: this.inner.dtype,
    });
  }

  override get actionSpace(): Box {
    return this.outer;
  }

  protected override action(action: BoxValue): BoxValue {
    assertAction('ClipAction', this.outer, action);
    const out = this.inner.allocate();
    for (let i = 0; i < out.length; i++) {
      out[i] = Math.min(
        this.inner.high[i] as number,
        Math.max(this.inner.low[i] as number, action[i] as number),
      );
    }
    return out;
  }
}
