/**
 * The single-env figure of cluster-env.bench.ts, and the same measured "on one core" as
 * issue 4 puts it: run as a script, this module measures one `ClusterEnv` in a process
 * the bench starts under `taskset -c 0`, so that V8's helper threads (parallel scavenges,
 * concurrent marking and compilation) share the env's core instead of borrowing the
 * other one, as they do in the bench process: there one env keeps 1.05-1.08 cores busy.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ClusterEnv } from '../env/index.js';
import type { Env } from '../env/index.js';
import { RngStream } from '../sim-cluster/rng.js';

/** Seconds each throughput figure runs for, at least. */
export const MIN_SECONDS = 3;

/** `count` rows of `dim` actions in [-1, 1], drawn in advance from a seeded stream. */
export function randomActions(count: number, dim: number): Float32Array {
  const rng = new RngStream(0, 'bench/cluster-actions');
  return Float32Array.from({ length: count * dim }, () => 2 * rng.next() - 1);
}

/** Wall-clock and CPU-time steps per second of one env, over at least MIN_SECONDS. */
export function singleEnv(env: Env<Float32Array, Float32Array>): { wall: number; cpu: number } {
  const dim = env.actionSpace.sample(0).length;
  const actions = randomActions(1024, dim);
  env.reset({ seed: 0 });
  let steps = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_SECONDS * 1000) {
    for (let k = 0; k < 500; k++) {
      const row = (steps & 1023) * dim;
      const r = env.step(actions.subarray(row, row + dim));
      steps += 1;
      if (r.terminated || r.truncated) env.reset();
    }
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  env.close();
  return { wall: steps / (elapsed / 1000), cpu: steps / ((cpu.user + cpu.system) / 1e6) };
}

/**
 * `singleEnv` in a fresh process pinned to CPU 0 (after a warm-up run like the bench's),
 * or undefined where `taskset` is missing or fails (the bench then reports none).
 */
export function pinnedSingleEnv(): { wall: number; cpu: number } | undefined {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync('taskset', ['-c', '0', process.execPath, script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0) return undefined;
  return JSON.parse(child.stdout) as { wall: number; cpu: number };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  singleEnv(new ClusterEnv({ episodeWindows: 50 }));
  process.stdout.write(JSON.stringify(singleEnv(new ClusterEnv())));
}
