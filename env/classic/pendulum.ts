/**
 * Pendulum-v1, ported from Gymnasium's `classic_control/pendulum.py`: swing a pendulum
 * up and keep it upright with a bounded torque. Angle 0 is upright; the state is kept in
 * float64 and observed as float32.
 */
import { RngStream } from '../../sim-cluster/rng.js';
import { InvalidArgumentError, ResetNeededError } from '../../sim-cluster/errors.js';
import { assertAction } from '../check-action.js';
import type { Env, EnvMetadata, Info, ResetArgs, ResetResult, StepResult } from '../env.js';
import { Box } from '../spaces/box.js';
import { readBound } from './cart-pole.js';

/** Constants of Pendulum (SI units), Gymnasium's values. */
export const PENDULUM = {
  /** Angular speed bound, in rad/s. */
  maxSpeed: 8,
  /** Torque bound, in N·m. */
  maxTorque: 2.0,
  /** Seconds per step. */
  dt: 0.05,
  mass: 1.0,
  length: 1.0,
} as const;

/** Options of Pendulum-v1. */
export interface PendulumOptions {
  /** Gravitational acceleration in m/s² (default 10.0). */
  readonly g?: number;
}

/** `theta` wrapped into [-π, π) (floor modulo, as Python's `%`). */
export function angleNormalize(theta: number): number {
  const period = 2 * Math.PI;
  const shifted = theta + Math.PI;
  return shifted - Math.floor(shifted / period) * period - Math.PI;
}

/** One step of the pendulum: the new `[theta, thetaDot]` and the reward, for torque `u`. */
export function pendulumDynamics(
  theta: number,
  thetaDot: number,
  u: number,
  g = 10.0,
): { theta: number; thetaDot: number; reward: number } {
  const { maxSpeed, maxTorque, dt, mass, length } = PENDULUM;
  const torque = Math.min(maxTorque, Math.max(-maxTorque, u));
  const th = angleNormalize(theta);
  const costs = th * th + 0.1 * thetaDot * thetaDot + 0.001 * torque * torque;
  let newThetaDot =
    thetaDot +
    (((3 * g) / (2 * length)) * Math.sin(theta) + (3 / (mass * length * length)) * torque) * dt;
  newThetaDot = Math.min(maxSpeed, Math.max(-maxSpeed, newThetaDot));
  return { theta: theta + newThetaDot * dt, thetaDot: newThetaDot, reward: -costs };
}

/**
 * Observation: Box(float32, [3]) = cos θ, sin θ (±1) and θ̇ (±8 rad/s). Action:
 * Box(float32, [1]) torque in [-2, 2] N·m. Reward: −(θ² + 0.1 θ̇² + 0.001 u²) with θ
 * normalised to [-π, π), in [-16.2736044, 0]. Never terminates; truncation at 200 steps
 * comes from the registry's TimeLimit. Reset: θ ~ U(−π, π), θ̇ ~ U(−1, 1), or
 * U(−xInit, xInit), U(−yInit, yInit) from `options`.
 *
 * Unlike Gymnasium, which clips silently, an out-of-bounds torque raises
 * `InvalidActionError`; wrap with `ClipAction` to clip.
 */
export class PendulumEnv implements Env<Float32Array, Float32Array> {
  readonly observationSpace = new Box<Float32Array>({
    low: [-1, -1, -PENDULUM.maxSpeed],
    high: [1, 1, PENDULUM.maxSpeed],
  });
  readonly actionSpace = new Box<Float32Array>({
    low: -PENDULUM.maxTorque,
    high: PENDULUM.maxTorque,
    shape: [1],
  });
  readonly metadata: EnvMetadata = { renderModes: [], dtSeconds: PENDULUM.dt };
  private readonly g: number;
  private rng = new RngStream(0, 'Pendulum-v1');
  private theta: number | undefined;
  private thetaDot = 0;

  constructor(options: PendulumOptions = {}) {
    this.g = options.g ?? 10.0;
    if (!Number.isFinite(this.g))
      throw new InvalidArgumentError(`Pendulum g must be finite, got ${this.g}`);
  }

  reset(args: ResetArgs = {}): ResetResult<Float32Array, Info> {
    if (args.seed !== undefined) this.rng = new RngStream(args.seed, 'Pendulum-v1');
    const x = readBound(args.options, 'xInit', Math.PI);
    const y = readBound(args.options, 'yInit', 1.0);
    this.theta = -x + this.rng.next() * 2 * x;
    this.thetaDot = -y + this.rng.next() * 2 * y;
    return { observation: this.observe(), info: {} };
  }

  step(action: Float32Array): StepResult<Float32Array, Info> {
    assertAction('Pendulum-v1', this.actionSpace, action);
    if (this.theta === undefined)
      throw new ResetNeededError('Pendulum-v1: call reset() before step()');
    const next = pendulumDynamics(this.theta, this.thetaDot, action[0] as number, this.g);
    this.theta = next.theta;
    this.thetaDot = next.thetaDot;
    return {
      observation: this.observe(),
      reward: next.reward,
      terminated: false,
      truncated: false,
      info: {},
    };
  }

  /** Sets `[theta, thetaDot]` directly (tests, analysis), as `env.unwrapped.state` in Gymnasium. */
  setState(theta: number, thetaDot: number): void {
    this.theta = theta;
    this.thetaDot = thetaDot;
  }

  close(): void {}

  private observe(): Float32Array {
    const theta = this.theta as number;
    return Float32Array.of(Math.cos(theta), Math.sin(theta), this.thetaDot);
  }
}
