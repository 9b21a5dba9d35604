/**
 * The eval runner: scenarios × policies × seeds, each run an independent simulation,
 * spread over worker threads. Results come back in job order, so they are identical
 * whatever the number of workers (every run is deterministic given its job).
 */
import { Worker } from 'node:worker_threads';
import { GovernorError } from '../sim-cluster/errors.js';
import { prepareLearnedPolicies } from './resolve-policy.js';
import { runJob, type EvalJob, type RunResult } from './run-job.js';
import type { Suite } from './suite.js';

/** What a worker posts back for one job. */
export type WorkerReply =
  | { readonly ok: true; readonly result: RunResult }
  | {
      readonly ok: false;
      readonly code: string | null;
      readonly message: string;
      readonly userMessage: string;
    };

export interface RunSuiteOptions {
  /** Worker threads (default 1: run in this thread). */
  readonly jobs?: number;
  /** Called after each run finishes, with how many are done out of how many. */
  readonly onResult?: (result: RunResult, done: number, total: number) => void;
}

/** The seeds of an eval with `count` seeds: 1, 2, …, count. */
export function evalSeeds(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}

/** Every job of the suite, ordered by scenario, then policy, then seed. */
export function suiteJobs(
  suite: Suite,
  policies: readonly string[],
  seeds: readonly number[],
): EvalJob[] {
  const jobs: EvalJob[] = [];
  for (const entry of suite.scenarios) {
    for (const policy of policies) {
      for (const seed of seeds) jobs.push({ index: jobs.length, entry, policy, seed });
    }
  }
  return jobs;
}

function replyError(reply: Extract<WorkerReply, { ok: false }>): Error {
  return reply.code !== null
    ? new GovernorError(reply.code, reply.userMessage)
    : new Error(`eval run failed in a worker: ${reply.message}`);
}

/** Runs every job and returns the results in job order. */
export async function runJobs(
  jobs: readonly EvalJob[],
  options: RunSuiteOptions = {},
): Promise<RunResult[]> {
  const workers = Math.max(1, Math.min(options.jobs ?? 1, jobs.length));
  const results = new Array<RunResult>(jobs.length);
  let done = 0;
  const finish = (result: RunResult) => {
    results[result.index] = result;
    done++;
    options.onResult?.(result, done, jobs.length);
  };
  if (workers === 1) {
    await prepareLearnedPolicies(jobs.map((j) => j.policy));
    for (const job of jobs) {
      finish(runJob(job));
      await new Promise<void>((r) => setImmediate(r)); // let progress reach the terminal
    }
    return results;
  }
  const url = new URL('./run-worker.js', import.meta.url);
  let next = 0;
  const pool = Array.from({ length: workers }, () => new Worker(url));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= jobs.length) return resolve();
              worker.postMessage(jobs[next++]);
            };
            worker.on('message', (reply: WorkerReply) => {
              if (!reply.ok) return reject(replyError(reply));
              finish(reply.result);
              feed();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (code !== 0) reject(new Error(`eval worker exited with code ${code}`));
            });
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
