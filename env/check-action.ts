import { InvalidActionError } from '../sim-cluster/errors.js';
import type { Space } from './spaces/space.js';

/**
 * Throws `InvalidActionError` unless `action` is an element of `space`; the message
 * names the env, the broken rule, the index, the value and the bound.
 */
export function assertAction<Act>(
  envName: string,
  space: Space<Act>,
  action: unknown,
): asserts action is Act {
  const why = space.explain(action);
  if (why !== undefined)
    throw new InvalidActionError(`${envName}: invalid action for ${space.describe()}: ${why}`);
}
