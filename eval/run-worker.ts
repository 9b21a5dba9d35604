/**
 * Worker-thread entry of the eval runner: receives `EvalJob`s one at a time and posts
 * back each `RunResult`, or the error that stopped it (code and message, so a user's
 * mistake stays a one-line error in the parent).
 */
import { parentPort } from 'node:worker_threads';
import { GovernorError } from '../sim-cluster/errors.js';
import { prepareLearnedPolicies } from './resolve-policy.js';
import { runJob, type EvalJob } from './run-job.js';
import type { WorkerReply } from './run-suite.js';

const port = parentPort;
if (port === null) throw new Error('run-worker.js must be started as a worker thread');
port.on('message', async (job: EvalJob) => {
  let reply: WorkerReply;
  try {
    await prepareLearnedPolicies([job.policy]);
    reply = { ok: true, result: runJob(job) };
  } catch (error) {
    reply = {
      ok: false,
      code: error instanceof GovernorError ? error.code : null,
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      userMessage: error instanceof Error ? error.message : String(error),
    };
  }
  port.postMessage(reply);
});
