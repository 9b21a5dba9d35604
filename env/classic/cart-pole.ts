/**
 * CartPole-v1, ported from Gymnasium's `classic_control/cartpole.py` (Barto, Sutton and
 * Anderson, 1983): a pole on a cart on a frictionless track; push the cart left or right.
 *
 * Dynamics follow Florian (2007), "Correct equations for the dynamics of the cart-pole
 * system", integrated with explicit Euler at `tau = 0.02` s. The state is kept in float64
 * and observed as float32, as in Gymnasium.
 */
import { RngStream } from '../../sim-cluster/rng.js';
import { InvalidArgumentError, ResetNeededError } from '../../sim-cluster/errors.js';
import { assertAction } from '../check-action.js';
import type { Env, EnvMetadata, Info, ResetArgs, ResetResult, StepResult } from '../env.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';

/** Physical constants of CartPole (SI units), Gymnasium's values. */
export const CART_POLE = {
  gravity: 9.8,
  massCart: 1.0,
  massPole: 0.1,
  /** Half the pole's length, in metres. */
  halfLength: 0.5,
  /** Magnitude of the push, in newtons. */
  forceMag: 10.0,
  /** Seconds between state updates. */
  tau: 0.02,
  /** The episode terminates when |theta| exceeds 12 degrees. */
  thetaThresholdRadians: (12 * 2 * Math.PI) / 360,
  /** The episode terminates when |x| exceeds 2.4 m. */
  xThreshold: 2.4,
} as const;

/** Options of CartPole-v1. */
export interface CartPoleOptions {
  /** `euler` (Gymnasium's default) or `semi-implicit-euler`. */
  readonly kinematicsIntegrator?: 'euler' | 'semi-implicit-euler';
}

const FLOAT32_MAX = 3.4028234663852886e38;

/** CartPole state `[x, xDot, theta, thetaDot]` after one step of `force` newtons. */
export function cartPoleDynamics(
  state: readonly [number, number, number, number],
  force: number,
  integrator: 'euler' | 'semi-implicit-euler' = 'euler',
): [number, number, number, number] {
  const { gravity, massCart, massPole, halfLength, tau } = CART_POLE;
  const totalMass = massCart + massPole;
  const poleMassLength = massPole * halfLength;
  const [x, xDot, theta, thetaDot] = state;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const temp = (force + poleMassLength * thetaDot * thetaDot * sin) / totalMass;
  const thetaAcc =
    (gravity * sin - cos * temp) / (halfLength * (4 / 3 - (massPole * cos * cos) / totalMass));
  const xAcc = temp - (poleMassLength * thetaAcc * cos) / totalMass;
  if (integrator === 'euler') {
    return [x + tau * xDot, xDot + tau * xAcc, theta + tau * thetaDot, thetaDot + tau * thetaAcc];
  }
  const newXDot = xDot + tau * xAcc;
  const newThetaDot = thetaDot + tau * thetaAcc;
  return [x + tau * newXDot, newXDot, theta + tau * newThetaDot, newThetaDot];
}

/**
 * Observation: Box(float32, [4]) = cart position (±4.8 m), cart velocity, pole angle
 * (±0.418 rad) and pole angular velocity. Action: Discrete(2), 0 pushes left, 1 right.
 * Reward: +1 for every step, including the terminating one. Terminated when |x| > 2.4
 * or |theta| > 12°. Reset: every state variable uniform in (-0.05, 0.05), or in
 * `(options.low, options.high)`. Truncation at 500 steps comes from the registry's
 * TimeLimit.
 */
export class CartPoleEnv implements Env<Float32Array, number> {
  readonly observationSpace: Box<Float32Array>;
  readonly actionSpace = new Discrete(2);
  readonly metadata: EnvMetadata = { renderModes: [], dtSeconds: CART_POLE.tau };
  private readonly integrator: 'euler' | 'semi-implicit-euler';
  private rng = new RngStream(0, 'CartPole-v1');
  private state: [number, number, number, number] | undefined;
  /** Steps taken after termination without a reset (they earn reward 0, as in Gymnasium). */
  private stepsBeyondTerminated: number | undefined;

  constructor(options: CartPoleOptions = {}) {
    this.integrator = options.kinematicsIntegrator ?? 'euler';
    const high = [
      CART_POLE.xThreshold * 2,
      FLOAT32_MAX,
      CART_POLE.thetaThresholdRadians * 2,
      FLOAT32_MAX,
    ];
    this.observationSpace = new Box<Float32Array>({
      low: high.map((h) => -h),
      high,
      dtype: 'float32',
    });
  }

  reset(args: ResetArgs = {}): ResetResult<Float32Array, Info> {
    if (args.seed !== undefined) this.rng = new RngStream(args.seed, 'CartPole-v1');
    const low = readBound(args.options, 'low', -0.05);
    const high = readBound(args.options, 'high', 0.05);
    const draw = (): number => low + this.rng.next() * (high - low);
    this.state = [draw(), draw(), draw(), draw()];
    this.stepsBeyondTerminated = undefined;
    return { observation: Float32Array.from(this.state), info: {} };
  }

  step(action: number): StepResult<Float32Array, Info> {
    assertAction('CartPole-v1', this.actionSpace, action);
    if (this.state === undefined)
      throw new ResetNeededError('CartPole-v1: call reset() before step()');
    const force = action === 1 ? CART_POLE.forceMag : -CART_POLE.forceMag;
    this.state = cartPoleDynamics(this.state, force, this.integrator);
    const [x, , theta] = this.state;
    const terminated =
      x < -CART_POLE.xThreshold ||
      x > CART_POLE.xThreshold ||
      theta < -CART_POLE.thetaThresholdRadians ||
      theta > CART_POLE.thetaThresholdRadians;
    let reward = 1;
    if (terminated) {
      if (this.stepsBeyondTerminated === undefined) this.stepsBeyondTerminated = 0;
      else {
        this.stepsBeyondTerminated += 1;
        reward = 0;
      }
    }
    return {
      observation: Float32Array.from(this.state),
      reward,
      terminated,
      truncated: false,
      info: {},
    };
  }

  /** The state `[x, xDot, theta, thetaDot]` (undefined before the first reset). */
  getState(): readonly [number, number, number, number] | undefined {
    return this.state;
  }

  /** Sets the state directly, as Gymnasium users do through `env.unwrapped.state` (tests, analysis). */
  setState(state: readonly [number, number, number, number]): void {
    this.state = [...state];
    this.stepsBeyondTerminated = undefined;
  }

  close(): void {}
}

/** A finite number from reset options, or the default. */
export function readBound(options: ResetArgs['options'], key: string, fallback: number): number {
  const v = options?.[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new InvalidArgumentError(`reset option ${key} must be a finite number, got ${String(v)}`);
  return v;
}
