/**
 * Decoding one `decision` message (issue 9): every instance decodes its decision each
 * round, and the bench fleet's 1,000 clients do it on the cores the controller sends
 * from. The generic path (MessagePack → map → validation) against `decodeMessage` with
 * its fast path (decision-reader.ts), on the two shapes the controller sends: an
 * ingress's rate limits and a service's admission knobs, 8 tenants each.
 */
import Benchmark from 'benchmark';
import { decisionEncoder, decodeGeneric, decodeMessage } from '../controller/codec.js';
import type { DecisionPart } from '../controller/protocol.js';
import type { TenantDecision } from '../sim-cluster/enforcement.js';
import { RngStream } from '../sim-cluster/rng.js';
import type { BenchFigure } from './run.js';

export const name = 'decision-decode';

const TENANTS = Array.from({ length: 8 }, (_, i) => `tenant-${i}`);

function parts(): { readonly label: string; readonly part: DecisionPart }[] {
  const rng = new RngStream(1, 'bench/decision-decode');
  const tenants = (f: () => TenantDecision) => Object.fromEntries(TENANTS.map((t) => [t, f()]));
  const ingress: DecisionPart = {
    tenants: tenants(() => ({
      deadlineAdmission: { slack: 0.2 },
      rateLimit: { ratePerSecond: 100 * rng.next(), burst: 1 + 10 * rng.next() },
    })),
  };
  const service: DecisionPart = {
    tenants: tenants(() => ({ weight: 1 + rng.next(), priority: 1, admitProbability: rng.next() })),
    services: { api: { concurrencyLimit: 40 * rng.next(), queueDelayThreshold: 0.05 } },
  };
  return [
    { label: 'ingress', part: ingress },
    { label: 'service', part: service },
  ];
}

async function hz(fn: () => void): Promise<number> {
  const bench = new Benchmark('decode', { fn, minSamples: 20 });
  await new Promise<void>((resolve, reject) => {
    bench.on('complete', () => resolve());
    bench.on('error', () => reject(bench.error));
    bench.run({ async: true });
  });
  return bench.hz;
}

export async function run(): Promise<BenchFigure[]> {
  const encode = decisionEncoder({ session: 's-1', epoch: 41, window: 40, leaseSeconds: 3 });
  const figures: BenchFigure[] = [];
  for (const { label, part } of parts()) {
    const body = Uint8Array.from(encode(part));
    if (!decodeMessage(body).ok) throw new Error(`the ${label} decision does not decode`);
    let sink = 0;
    const generic = await hz(() => {
      sink += decodeGeneric(body).ok ? 1 : 0;
    });
    const fast = await hz(() => {
      sink += decodeMessage(body).ok ? 1 : 0;
    });
    if (sink === 0) throw new Error('nothing decoded');
    const what = `${label}, 8 tenants, ${body.length} B`;
    figures.push(
      { label: `generic: ${what}`, value: 1e6 / generic, unit: 'µs' },
      { label: `fast path: ${what}`, value: 1e6 / fast, unit: 'µs' },
    );
  }
  return figures;
}
