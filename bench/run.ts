/**
 * `npm run bench`: runs every `*.bench.js` module next to this file (or those whose
 * name contains one of the command-line arguments) and prints their figures.
 *
 * A bench module exports `name` and `run(): Promise<BenchFigure[]>`. Benchmarks are
 * measurements, not tests: they never fail on a threshold, they report the figure and
 * the target side by side so a reader can judge.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchFigure {
  /** What was measured, e.g. `sim: 10-station M/M/4 tandem`. */
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  /** The target from the issue, e.g. `>= 3e6`; informational. */
  readonly target?: string;
}

export interface BenchModule {
  readonly name: string;
  run(): Promise<BenchFigure[]>;
}

function formatValue(value: number): string {
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (Math.abs(value) >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

async function main(filters: readonly string[]): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
    console.log(`\n## ${mod.name}`);
    const figures = await mod.run();
    for (const f of figures) {
      const target = f.target ? `   (target ${f.target})` : '';
      console.log(
        `  ${f.label.padEnd(58)} ${formatValue(f.value).padStart(10)} ${f.unit}${target}`,
      );
    }
  }
}

await main(process.argv.slice(2));
