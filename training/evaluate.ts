/**
 * Periodic evaluation during training: the current policy, acting on the mean of its
 * Gaussian (clipped to the action box), runs one episode per (validation scenario, seed)
 * on a plain `ClusterEnv`; the metric is the episode's mean window SLO score
 * (`info.score`, unshaped). All episodes step together, one batched forward pass per
 * step. Deterministic: fixed scenarios, fixed seeds, no sampling. With no network the
 * action is zero: in residual mode that is the base policy alone, the reference a
 * residual policy is selected against.
 */
import type { ActorCritic } from '../agents/actor-critic.js';
import { act } from '../agents/act.js';
import { RunningMeanStd, normalizeRows } from '../agents/running-normalizer.js';
import type { RunningMeanStdState } from '../agents/running-normalizer.js';
import { ClusterEnv } from '../env/cluster/cluster-env.js';
import type { ClusterEnvOptions } from '../env/cluster/cluster-env.js';
import type { EvalScenario } from './config.js';

export interface EvalInputs {
  /** The policy; null: the zero action. */
  readonly network: ActorCritic | null;
  readonly obsRms: RunningMeanStdState | null;
  readonly clipObservation: number;
  readonly cluster: Omit<ClusterEnvOptions, 'scenario' | 'familySeed'>;
  readonly scenarios: readonly EvalScenario[];
}

/** Mean window score per validation scenario (averaged over its seeds), by name. */
export function evaluate(inputs: EvalInputs): Map<string, number> {
  const runs = inputs.scenarios.flatMap((s) =>
    s.seeds.map((seed) => ({
      name: s.name,
      seed,
      env: new ClusterEnv({
        ...inputs.cluster,
        // Validation reads the unshaped score only: no shadow base run needed.
        baseRelativeReward: false,
        scenario: s.scenario,
        ...(s.familySeed === undefined ? {} : { familySeed: s.familySeed }),
      }),
    })),
  );
  const n = runs.length;
  const dim = runs[0]!.env.observationSpace.shape[0]!;
  const width = runs[0]!.env.actionSpace.shape[0]!;
  const raw = new Float32Array(n * dim);
  const obs = new Float32Array(n * dim);
  const rms = inputs.obsRms ? new RunningMeanStd(dim) : null;
  if (rms && inputs.obsRms) rms.setState(inputs.obsRms);
  const zeros = new Float32Array(n * width);
  const scores = new Float64Array(n);
  const steps = new Int32Array(n);
  const done = new Uint8Array(n);
  runs.forEach((r, i) => raw.set(r.env.reset({ seed: r.seed }).observation, i * dim));
  while (done.some((d) => d === 0)) {
    if (rms) normalizeRows(rms, raw, obs, inputs.clipObservation);
    else obs.set(raw);
    const actions = inputs.network === null ? zeros : act(inputs.network, obs, n, zeros).actions;
    for (let i = 0; i < n; i++) {
      if (done[i] === 1) continue;
      const a = actions
        .subarray(i * width, (i + 1) * width)
        .map((x) => Math.min(1, Math.max(-1, x)));
      const r = runs[i]!.env.step(a);
      raw.set(r.observation, i * dim);
      scores[i] = scores[i]! + r.info.score;
      steps[i] = steps[i]! + 1;
      if (r.truncated || r.terminated) done[i] = 1;
    }
  }
  const byName = new Map<string, number[]>();
  runs.forEach((r, i) => {
    r.env.close();
    byName.set(r.name, [...(byName.get(r.name) ?? []), scores[i]! / steps[i]!]);
  });
  return new Map([...byName].map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]));
}
