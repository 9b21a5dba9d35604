/**
 * Simulator speed on the bundled DeathStarBench-like `social-network` scenario (about
 * 2,000 requests per second): simulated seconds per wall second, without and with the
 * per-window timeline (`governor sim --timeline`). Issue target: ≥ 20× real time on one
 * core, timeline < 10% extra.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimelineWriter } from '../cli/timeline.js';
import { compileModel } from '../sim-cluster/model.js';
import { resolveScenario } from '../sim-cluster/scenario/load.js';
import { Simulation } from '../sim-cluster/simulation.js';
import type { BenchFigure } from './run.js';

export const name = 'sim-cluster: bundled scenarios';

function timeRun(
  scenarioName: string,
  timelinePath?: string,
): { realTime: number; events: number } {
  const model = compileModel(resolveScenario(scenarioName));
  const writer = timelinePath ? new TimelineWriter(timelinePath) : undefined;
  const sim = new Simulation(model, writer ? { onWindow: (_, s) => writer.write(s) } : {});
  const started = process.hrtime.bigint();
  sim.run();
  writer?.commit();
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  return { realTime: sim.now / wall, events: sim.eventsProcessed / wall };
}

export async function run(): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'governor-bench-'));
  try {
    timeRun('social-network'); // warm the JIT
    // Alternate plain and timeline runs and keep the best of each, so a noisy neighbour
    // on the machine does not bias the comparison.
    let plain = 0;
    let timeline = 0;
    let events = 0;
    for (let i = 0; i < 3; i++) {
      const p = timeRun('social-network');
      plain = Math.max(plain, p.realTime);
      events = Math.max(events, p.events);
      timeline = Math.max(
        timeline,
        timeRun('social-network', join(dir, 'timeline.jsonl')).realTime,
      );
    }
    const figures: BenchFigure[] = [
      {
        label: 'social-network (~2,000 req/s): simulated s per wall s',
        value: plain,
        unit: 'x real time',
        target: '>= 20',
      },
      { label: 'social-network: events per wall second', value: events, unit: 'events/s' },
      {
        label: 'social-network with --timeline: simulated s per wall s',
        value: timeline,
        unit: 'x real time',
      },
      {
        label: 'timeline overhead',
        value: (plain / timeline - 1) * 100,
        unit: '%',
        target: '< 10',
      },
    ];
    for (const other of ['hotel-reservation', 'train-ticket']) {
      figures.push({
        label: `${other}: simulated s per wall s`,
        value: timeRun(other).realTime,
        unit: 'x real time',
      });
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
