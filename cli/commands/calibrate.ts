import type { Command } from 'commander';
import { loadavg } from 'node:os';
import { calibrate, type CalibrationResult } from '../../demo/calibrate.js';
import { commandGroup } from '../../demo/processes.js';
import { DEMO } from '../../demo/topology.js';
import { UsageError } from '../../sim-cluster/errors.js';
import { writeFileAtomic } from '../io.js';
import { parseNonNegativeInteger, parsePositiveNumber } from '../options.js';
import { ms, renderTable } from '../table.js';

interface CalibrateCliOptions {
  out: string;
  levels: number[];
  low: number;
  duration: number;
  warmup: number;
  seed: number;
  simSeeds: number;
  table?: string;
}

export function register(program: Command): void {
  program
    .command('calibrate')
    .description(
      "measure the real demo's per-service work and per-hop overhead at low load, write it as a scenario, and compare the simulator's p50, p99 and throughput with the real ones at several load levels",
    )
    .option('--out <file>', 'where to write the calibrated scenario YAML', 'demo-calibrated.yaml')
    .option(
      '--levels <list>',
      'bottleneck utilisations to compare at (default 0.3,0.55,0.8)',
      parseLevels,
      [0.3, 0.55, 0.8],
    )
    .option(
      '--low <utilization>',
      'bottleneck utilisation of the measuring run (default 0.15)',
      parseFraction,
      0.15,
    )
    .option(
      '--duration <seconds>',
      'measured seconds per run (default 60)',
      parsePositiveNumber('--duration'),
      60,
    )
    .option(
      '--warmup <seconds>',
      'warm-up seconds per run (default 3)',
      parsePositiveNumber('--warmup'),
      3,
    )
    .option(
      '--seed <n>',
      'seed of the load and the services (default 1)',
      parseNonNegativeInteger('--seed'),
      1,
    )
    .option(
      '--sim-seeds <n>',
      'simulator runs averaged per level (default 5)',
      parseNonNegativeInteger('--sim-seeds'),
      5,
    )
    .option('--table <file>', 'also write the comparison as a Markdown table to FILE')
    .action(async (options: CalibrateCliOptions) => {
      const { group, done } = commandGroup('calibrate');
      const load = loadavg();
      const result = await calibrate({
        topology: DEMO,
        lowUtilization: options.low,
        levels: options.levels,
        warmupSeconds: options.warmup,
        durationSeconds: options.duration,
        seed: options.seed,
        simSeeds: Math.max(1, options.simSeeds),
        group,
        log: (line) => process.stderr.write(`calibrate: ${line}\n`),
      });
      done();
      const after = loadavg();
      const header =
        `# Calibrated by 'governor calibrate' (low-load run at ${options.low} of the bottleneck, ` +
        `${options.duration} s); load average ${load.map((l) => l.toFixed(2)).join(' ')} before, ` +
        `${after.map((l) => l.toFixed(2)).join(' ')} after.\n`;
      writeFileAtomic(options.out, header + result.yaml);
      process.stdout.write(
        `${formatCalibration(result)}\nload average: ${load.map((l) => l.toFixed(2)).join(' ')} (start), ${after.map((l) => l.toFixed(2)).join(' ')} (end)\nscenario written to ${options.out}\n`,
      );
      if (options.table !== undefined) writeFileAtomic(options.table, `${markdownTable(result)}\n`);
    });
}

const err = (sim: number, real: number) =>
  real > 0 ? `${(((sim - real) / real) * 100).toFixed(1)}%` : 'n/a';

function comparisonRows(result: CalibrationResult): string[][] {
  return result.levels.map((l) => [
    `${(l.utilization * 100).toFixed(0)}%`,
    l.offeredPerSecond.toFixed(1),
    ms(l.real.p50),
    ms(l.sim.p50),
    err(l.sim.p50, l.real.p50),
    ms(l.real.p99),
    ms(l.sim.p99),
    err(l.sim.p99, l.real.p99),
    l.real.throughput.toFixed(1),
    l.sim.throughput.toFixed(1),
    err(l.sim.throughput, l.real.throughput),
  ]);
}

const COMPARISON_HEADER = [
  'load',
  'offered/s',
  'p50 real ms',
  'p50 sim ms',
  'p50 err',
  'p99 real ms',
  'p99 sim ms',
  'p99 err',
  'thr real/s',
  'thr sim/s',
  'thr err',
];

export function formatCalibration(result: CalibrationResult): string {
  const services = renderTable(
    ['service', 'hops', 'mean work ms', 'cv', 'CPU ms/hop'],
    result.services.map((s) => [
      s.service,
      String(s.hops),
      ms(s.meanWorkSeconds),
      s.cvWork.toFixed(2),
      ms(s.cpuSecondsPerHop),
    ]),
  );
  return [
    services,
    `mean per-call overhead (network + HTTP, both ways): ${ms(result.meanOverheadSeconds)} ms`,
    '',
    renderTable(COMPARISON_HEADER, comparisonRows(result)),
  ].join('\n');
}

function markdownTable(result: CalibrationResult): string {
  const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    row(COMPARISON_HEADER),
    row(COMPARISON_HEADER.map(() => '---')),
    ...comparisonRows(result).map(row),
  ].join('\n');
}

function parseLevels(value: string): number[] {
  const levels = value.split(',').map((v) => Number(v.trim()));
  if (levels.length === 0 || levels.some((l) => !(l > 0 && l < 2)))
    throw new UsageError(
      `--levels must be a comma-separated list of utilisations in (0, 2), got '${value}'`,
    );
  return levels;
}

function parseFraction(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1))
    throw new UsageError(`--low must be a utilisation in (0, 1), got '${value}'`);
  return n;
}
