/**
 * Controller figures over real sockets on loopback: one instance's decision round trip
 * (report → decision), heartbeat messages per second through the daemon, and a decision
 * round with 1,000 connected instances each reporting (issue 9: p99 < 50 ms, no report
 * lost). Client and daemon share this process, so the figures include client overhead.
 */
import { pino } from 'pino';
import { ControllerDaemon } from '../controller/daemon.js';
import { GovernorClient } from '../controller/sdk/client.js';
import { createPolicy } from '../policies/registry.js';
import { REJECT_REASONS } from '../sim-cluster/enforcement.js';
import type { TenantSignals } from '../sim-cluster/signals.js';
import type { BenchFigure } from './run.js';

export const name = 'controller: ZeroMQ daemon on loopback';

const INSTANCES = 1000;
const ROUNDS = 30;

function tenant(name: string, offered: number): TenantSignals {
  return {
    name,
    weight: 1,
    slo: { latency: 0.1, percentile: 99 },
    guaranteedRate: 100,
    offered,
    admitted: offered,
    rejected: 0,
    rejectedByReason: Object.fromEntries(
      REJECT_REASONS.map((r) => [r, 0]),
    ) as TenantSignals['rejectedByReason'],
    completed: offered,
    failed: 0,
    timedOut: 0,
    retries: 0,
    goodput: offered,
    entitlement: offered,
    latency: { count: offered, mean: 0.01, p50: 0.01, p90: 0.02, p99: 0.03, max: 0.05 },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function rounds(clients: GovernorClient[], first: number, count: number): Promise<number[]> {
  const seconds: number[] = [];
  const tenants = Array.from({ length: 8 }, (_, i) => tenant(`t${i}`, 10 + i));
  for (let w = first; w < first + count; w++) {
    const answers = clients.map((c) => c.waitForDecision(w, 10_000));
    const start = performance.now();
    for (const c of clients)
      c.report({
        window: w,
        startSeconds: w,
        endSeconds: w + 1,
        measured: true,
        decisionEpoch: w,
        tenants,
        service: null,
      });
    await Promise.all(answers);
    seconds.push((performance.now() - start) / 1000);
  }
  return seconds.sort((a, b) => a - b);
}

export async function run(): Promise<BenchFigure[]> {
  const logger = pino({ level: 'silent' });
  const daemon = await ControllerDaemon.start({
    policy: createPolicy('static'),
    bind: 'tcp://127.0.0.1:*',
    logger,
    intervalSeconds: 5,
  });
  const figures: BenchFigure[] = [];
  try {
    const one = new GovernorClient({
      endpoint: daemon.endpoint,
      instance: 'solo',
      service: 'ingress',
      role: 'ingress',
      safe: {},
    });
    one.start();
    await one.waitForWelcome();
    const single = await rounds([one], 0, 500);
    figures.push({
      label: 'decision round trip, 1 instance, p50',
      value: percentile(single, 50) * 1000,
      unit: 'ms',
    });
    figures.push({
      label: 'decision round trip, 1 instance, p99',
      value: percentile(single, 99) * 1000,
      unit: 'ms',
    });
    await one.close();

    const clients = Array.from(
      { length: INSTANCES },
      (_, i) =>
        new GovernorClient({
          endpoint: daemon.endpoint,
          instance: `gw-${i}`,
          service: 'ingress',
          role: 'ingress',
          safe: {},
        }),
    );
    for (const c of clients) c.start();
    await Promise.all(clients.map((c) => c.waitForWelcome(30_000)));
    const before = daemon.totals.received;
    const cpu = process.cpuUsage();
    const many = await rounds(clients, 500, ROUNDS);
    const used = process.cpuUsage(cpu);
    const reports =
      (await daemon.metrics.reports.get()).values.find((v) => v.labels.outcome === 'accepted')
        ?.value ?? 0;
    figures.push({
      label: `decision round, ${INSTANCES} instances, p50`,
      value: percentile(many, 50) * 1000,
      unit: 'ms',
    });
    figures.push({
      label: `decision round, ${INSTANCES} instances, p99`,
      value: percentile(many, 99) * 1000,
      unit: 'ms',
      target: '< 50',
    });
    figures.push({
      label: `reports lost of ${INSTANCES * ROUNDS}`,
      value: INSTANCES * ROUNDS - (reports - 500),
      unit: 'reports',
      target: '0',
    });
    figures.push({
      label: `CPU per round, ${INSTANCES} instances (daemon + clients)`,
      value: (used.user + used.system) / 1000 / ROUNDS,
      unit: 'ms',
    });
    const seconds = many.reduce((a, s) => a + s, 0);
    figures.push({
      label: 'messages through the daemon per second (reports + decisions)',
      value: (2 * (daemon.totals.received - before)) / seconds,
      unit: 'msg/s',
    });
    await Promise.all(clients.map((c) => c.close()));
  } finally {
    await daemon.stop();
  }
  return figures;
}
