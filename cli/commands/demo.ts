import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commandGroup } from '../../demo/processes.js';
import { runDemo, type DemoResult } from '../../demo/run-demo.js';
import { DEMO, demoScenario } from '../../demo/topology.js';
import { policyNames } from '../../policies/registry.js';
import { UsageError } from '../../sim-cluster/errors.js';
import { loadScenarioFile } from '../../sim-cluster/scenario/load.js';
import { writeFileAtomic } from '../io.js';
import { parseNonNegativeInteger, parsePositiveNumber } from '../options.js';
import { ms, pct, renderTable } from '../table.js';

interface DemoCliOptions {
  duration: number;
  warmup: number;
  seed: number;
  scale: number;
  heuristic?: string;
  policyLearned?: string;
  scenario?: string;
  json?: string;
}

/** Where the pretrained bundle lands (relative to the package root). */
export const PRETRAINED_BUNDLE = fileURLToPath(
  new URL('../../../pretrained/governor-pretrained', import.meta.url),
);

export function register(program: Command): void {
  program
    .command('demo')
    .description(
      "run the real demo (daemon, 4 services, open-loop load on loopback) without control, with the best heuristic and with the learned policy; print every tenant's SLO score",
    )
    .option(
      '--duration <seconds>',
      'measured seconds per run (default 20)',
      parsePositiveNumber('--duration'),
      20,
    )
    .option('--warmup <seconds>', 'warm-up seconds per run (default 5)', parseNonNegativeNumber, 5)
    .option(
      '--seed <n>',
      'seed of the load and the services (default 1)',
      parseNonNegativeInteger('--seed'),
      1,
    )
    .option(
      '--scale <factor>',
      "multiplies every tenant's arrival rate (default 1)",
      parsePositiveNumber('--scale'),
      1,
    )
    .option(
      '--heuristic <name>',
      'heuristic to run (default: the best on the demo scenario in simulation)',
    )
    .option(
      '--policy-learned <bundle>',
      'policy bundle for the learned run (default: pretrained/governor-pretrained when present)',
    )
    .option(
      '--scenario <file>',
      'the demo scenario to rank heuristics on (default: the design scenario; use the one `governor calibrate` wrote)',
    )
    .option('--json <file>', 'write the results as JSON to FILE')
    .action(async (options: DemoCliOptions) => {
      if (options.heuristic !== undefined && !policyNames().includes(options.heuristic))
        throw new UsageError(
          `--heuristic must be one of ${policyNames().join(', ')}, got '${options.heuristic}'`,
        );
      const bundle =
        options.policyLearned ?? (existsSync(PRETRAINED_BUNDLE) ? PRETRAINED_BUNDLE : undefined);
      if (bundle !== undefined && !existsSync(bundle))
        throw new UsageError(`--policy-learned: no policy bundle at '${bundle}'`);
      if (bundle === undefined)
        process.stderr.write(
          `demo: no bundle at ${PRETRAINED_BUNDLE} and no --policy-learned: skipping the learned run\n`,
        );
      const scenario =
        options.scenario !== undefined
          ? loadScenarioFile(options.scenario)
          : demoScenario(DEMO, {
              durationSeconds: options.duration,
              warmupSeconds: options.warmup,
              scale: options.scale,
            });
      const { group, done } = commandGroup('demo');
      const result = await runDemo({
        topology: DEMO,
        scenario,
        warmupSeconds: options.warmup,
        durationSeconds: options.duration,
        seed: options.seed,
        scale: options.scale,
        ...(options.heuristic !== undefined ? { heuristic: options.heuristic } : {}),
        ...(bundle !== undefined ? { learnedBundle: bundle } : {}),
        group,
        log: (line) => process.stderr.write(`demo: ${line}\n`),
      });
      done();
      process.stdout.write(`${formatDemo(result)}\n`);
      if (options.json !== undefined)
        writeFileAtomic(options.json, `${JSON.stringify(stripSamples(result), null, 2)}\n`);
    });
}

/** One row per run and tenant: SLO score, goodput, p99, rejected share; then the run scores. */
export function formatDemo(result: DemoResult): string {
  const rows = result.runs.flatMap((run) =>
    Object.entries(run.load.tenants).map(([tenant, t]) => [
      run.label,
      tenant,
      t.sloScore.toFixed(3),
      String(t.offered),
      String(t.goodput),
      t.entitlement.toFixed(0),
      pct(t.offered > 0 ? t.rejected / t.offered : 0),
      ms(t.latency.p99),
    ]),
  );
  const scores = result.runs.map(
    (r) =>
      `${r.label}: run score ${r.load.score.toFixed(3)} (${r.decisions} decisions` +
      `${r.fallbackDecisions > 0 ? `, ${r.fallbackDecisions} by the guard's fallback` : ''})`,
  );
  return [
    renderTable(
      ['run', 'tenant', 'SLO score', 'offered', 'goodput', 'entitled', 'rejected', 'p99 ms'],
      rows,
    ),
    '',
    ...scores,
  ].join('\n');
}

/** The JSON report without the raw calibration samples and schedules. */
function stripSamples(result: DemoResult) {
  return {
    ...result,
    runs: result.runs.map((r) => ({
      ...r,
      load: { ...r.load, overheadSeconds: undefined, arrivals: undefined },
      services: r.services.map((s) => ({
        ...s,
        workSeconds: undefined,
        overheadSeconds: undefined,
      })),
    })),
  };
}

function parseNonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new UsageError(`--warmup must be a non-negative number of seconds, got '${value}'`);
  return n;
}
