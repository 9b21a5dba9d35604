/**
 * Eval speed: the standard suite with every registered heuristic and 5 seeds on 2
 * worker threads (issue 8: under 10 minutes on 2 cores). Reports the wall time, the CPU
 * time of the whole process (worker threads included, so the figure a quiet 2-core
 * machine would need is about CPU ÷ 2), and the CPU time one more policy adds (e.g. the
 * learned one; its network costs little next to the simulation).
 */
import { evalSeeds, loadSuite, runJobs, suiteJobs } from '../eval/index.js';
import { policyNames } from '../policies/index.js';
import type { BenchFigure } from './run.js';

export const name = 'eval: standard suite';

export async function run(): Promise<BenchFigure[]> {
  const suite = loadSuite('standard');
  const policies = policyNames();
  const jobs = suiteJobs(suite, policies, evalSeeds(5));
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await runJobs(jobs, { jobs: 2 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpuBefore);
  const cpu = (used.user + used.system) / 1e6;
  return [
    {
      label: `runs (${policies.length} policies × 5 seeds × ${suite.scenarios.length})`,
      value: jobs.length,
      unit: 'runs',
    },
    { label: 'wall time on 2 workers', value: wall, unit: 's', target: '< 600' },
    { label: 'CPU time (all threads)', value: cpu, unit: 's', target: '< 1200' },
    { label: 'CPU time per policy', value: cpu / policies.length, unit: 's' },
  ];
}
