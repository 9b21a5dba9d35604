import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  checkPolicyNames,
  evalOutputs,
  evalSeeds,
  expandPolicyList,
  loadSuite,
  runJobs,
  suiteJobs,
} from '../../eval/index.js';
import { writeFileAtomic } from '../io.js';
import { parseNonNegativeInteger } from '../options.js';
import { UsageError } from '../../sim-cluster/errors.js';

export interface EvalOptions {
  suite: string;
  policies: string;
  seeds?: number;
  out: string;
  jobs?: number;
}

function positive(flag: string) {
  const parse = parseNonNegativeInteger(flag);
  return (value: string) => {
    const n = parse(value);
    if (n === 0) throw new UsageError(`${flag} must be a positive integer, got '${value}'`);
    return n;
  };
}

export function register(program: Command): void {
  program
    .command('eval')
    .description(
      'evaluate policies on a suite of scenarios over several seeds, in parallel, and write Markdown and HTML reports',
    )
    .requiredOption(
      '--suite <name|file>',
      'a bundled suite name (e.g. standard) or a suite YAML file',
    )
    .option(
      '--policies <list>',
      "comma-separated policies: heuristic names, 'all' for every heuristic, learned:PATH for a bundle, base:PATH for a residual bundle's base alone (the ablation)",
      'all',
    )
    .option(
      '--seeds <n>',
      'seeds per scenario and policy (default: the suite’s, else 5)',
      positive('--seeds'),
    )
    .requiredOption('--out <dir>', 'folder for summary.md, report.html, aggregate.json, runs.jsonl')
    .option('--jobs <n>', 'parallel worker threads (default: number of cores)', positive('--jobs'))
    .action(async (options: EvalOptions) => {
      await evaluateSuite(options);
    });
}

/**
 * Runs `options.policies` on a suite over its seeds in worker threads, writes the reports
 * to `options.out`, prints the comparison table on stdout; returns the table.
 */
export async function evaluateSuite(options: EvalOptions): Promise<string> {
  const suite = loadSuite(options.suite);
  const policies = expandPolicyList(options.policies);
  await checkPolicyNames(policies);
  const seeds = evalSeeds(options.seeds ?? suite.seeds ?? 5);
  const jobs = suiteJobs(suite, policies, seeds);
  const workers = options.jobs ?? cpus().length;
  const clock = () => performance.now() / 1000;
  const started = clock();
  process.stderr.write(
    `eval ${suite.name}: ${suite.scenarios.length} scenarios × ${policies.length} policies × ${seeds.length} seeds = ${jobs.length} runs on ${Math.min(workers, jobs.length)} workers\n`,
  );
  const results = await runJobs(jobs, {
    jobs: workers,
    onResult: (r, done, total) => {
      process.stderr.write(
        `[${done}/${total}] ${r.scenario} · ${r.policy} · seed ${r.seed}: score ${r.metrics.score.toFixed(3)} (${(clock() - started).toFixed(1)} s)\n`,
      );
    },
  });
  const outputs = evalOutputs(suite, results);
  for (const [name, text] of Object.entries(outputs.files)) {
    writeFileAtomic(join(options.out, name), text);
  }
  process.stdout.write(`${outputs.markdown}\n`);
  process.stderr.write(
    `eval done in ${(clock() - started).toFixed(1)} s; reports in ${options.out}\n`,
  );
  return outputs.markdown;
}
