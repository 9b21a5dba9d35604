/**
 * Worker body of cluster-env.bench.ts's barrier-free figure: steps one worker's slice of
 * the bench's sub-envs (the same seeds and actions an AsyncVectorEnv worker gets) in a
 * SyncVectorEnv of its own, with no per-step barrier: no worker waits for another or for
 * the main thread. Two of them show what two threads of this machine do with the same
 * work, so the bench can tell the barrier's cost from the machine's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SyncVectorEnv } from '../env/index.js';

/** What the bench passes as `workerData`. */
export interface FreeRunningSetup {
  readonly id: string;
  /** The slice: sub-envs `first` … `first + count − 1` of the bench's `numEnvs`. */
  readonly first: number;
  readonly count: number;
  readonly numEnvs: number;
  /** The bench's action rows (`numEnvs × actionDim` values each), used in turn. */
  readonly actions: Float32Array;
  readonly warmCalls: number;
  readonly seconds: number;
  /** Int32 word 0: set to 1 by the main thread when every worker is warm. */
  readonly start: SharedArrayBuffer;
}

/** What the worker posts: `'ready'` after its warm-up, then its count and time. */
export interface FreeRunningResult {
  readonly calls: number;
  readonly elapsedMs: number;
}

const port = parentPort;
if (port === null) throw new Error('free-running-worker.js must run in a worker thread');
const setup = workerData as FreeRunningSetup;
const envs = SyncVectorEnv.make(setup.id, setup.count);
await envs.reset({ seed: setup.first });
const width = setup.numEnvs * envs.actionDim;
const rows = setup.actions.length / width;
const slice = (call: number): Float32Array => {
  const at = (call % rows) * width + setup.first * envs.actionDim;
  return setup.actions.subarray(at, at + setup.count * envs.actionDim);
};
for (let k = 0; k < setup.warmCalls; k++) await envs.step(slice(k));
port.postMessage('ready');
// Timed only once every worker is warm, so each one's figure is of two threads at work.
const start = new Int32Array(setup.start);
while (Atomics.load(start, 0) === 0) Atomics.wait(start, 0, 0);
let calls = 0;
const t0 = performance.now();
let elapsedMs = 0;
while (elapsedMs < setup.seconds * 1000) {
  for (let k = 0; k < 50; k++) await envs.step(slice(calls++));
  elapsedMs = performance.now() - t0;
}
await envs.close();
port.postMessage({ calls, elapsedMs } satisfies FreeRunningResult);
