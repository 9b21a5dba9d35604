/**
 * The simulator bridge: a scenario's simulated ingress and services run as protocol
 * clients of a real controller daemon, in lockstep with simulated time.
 *
 * At the end of every control window the simulation pauses (`runUntil` the window's end);
 * the ingress client reports the tenants' signals and each service client its service's;
 * the bridge waits until every client has the daemon's decision part for that window,
 * recombines the parts (`combineParts`) and applies the decision before simulating on.
 * With one ingress and one instance per service, aggregation and splitting are exact, so
 * the run matches running the same policy in-process on the same seed.
 */
import { randomBytes } from 'node:crypto';
import { compileModel } from '../sim-cluster/model.js';
import type { Scenario } from '../sim-cluster/scenario/types.js';
import type { Signals } from '../sim-cluster/signals.js';
import { Simulation } from '../sim-cluster/simulation.js';
import { summarize, type SimSummary } from '../sim-cluster/summary.js';
import type { ReportMessage, ServiceReport } from './protocol.js';
import { GovernorClient } from './sdk/client.js';
import { combineParts } from './split.js';

export interface BridgeOptions {
  /** The daemon's endpoint, e.g. `tcp://127.0.0.1:5555`. */
  readonly endpoint: string;
  readonly seed?: number;
  readonly durationSeconds?: number;
  /** CURVE keys of the simulated services and the daemon's public key. */
  readonly curve?: {
    readonly publicKey: string;
    readonly secretKey: string;
    readonly serverKey: string;
  };
  /** Longest wait for one window's decision (default 10 s). */
  readonly timeoutMs?: number;
  /** Name recorded as the run's policy (default `controller`). */
  readonly policyName?: string;
  readonly clock?: () => number;
}

/** Runs `scenario` with its decisions coming from the daemon at `endpoint`. */
export async function simulateWithController(
  scenario: Scenario,
  options: BridgeOptions,
): Promise<SimSummary> {
  const clock = options.clock ?? (() => 0);
  const started = clock();
  let pending: Signals | null = null;
  const sim = new Simulation(compileModel(scenario), {
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.durationSeconds !== undefined ? { durationSeconds: options.durationSeconds } : {}),
    onWindow: (_sim, signals) => {
      pending = signals;
    },
  });
  const run = randomBytes(4).toString('hex');
  const make = (service: string, role: 'ingress' | 'service') =>
    new GovernorClient({
      endpoint: options.endpoint,
      instance: `sim-${run}-${service}`,
      service,
      role,
      safe: {},
      ...(options.curve !== undefined ? { curve: options.curve } : {}),
    });
  const ingress = make('ingress', 'ingress');
  const services = sim.model.services.map((s) => make(s.name, 'service'));
  const clients = [ingress, ...services];
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    // One at a time, so the daemon lists the services in the model's order.
    for (const c of clients) {
      c.start();
      await c.waitForWelcome(timeoutMs);
    }
    for (let w = 0; !sim.done; w++) {
      sim.runUntil(Math.min((w + 1) * sim.controlIntervalSeconds, sim.endSeconds));
      const signals = pending as Signals | null;
      pending = null;
      if (signals === null) continue;
      const answers = clients.map((c) => c.waitForDecision(signals.window, timeoutMs));
      ingress.report(reportOf(signals, null));
      services.forEach((c, i) => c.report(reportOf(signals, serviceReport(signals, i))));
      const received = await Promise.all(answers);
      const first = received[0]!;
      sim.applyDecision(
        combineParts(
          received.map((d, i) => ({ role: i === 0 ? 'ingress' : 'service', part: d.part })),
          first.epoch,
          first.leaseSeconds,
        ),
      );
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  return summarize(sim, options.policyName ?? 'controller', clock() - started);
}

function reportOf(s: Signals, service: ServiceReport | null): Omit<ReportMessage, 'type'> {
  return {
    window: s.window,
    startSeconds: s.startSeconds,
    endSeconds: s.endSeconds,
    measured: s.measured,
    decisionEpoch: s.decisionEpoch,
    tenants: service === null ? s.tenants : [],
    service,
  };
}

/** Service `i` of `s`, its per-tenant array keyed by tenant name for the wire. */
export function serviceReport(s: Signals, i: number): ServiceReport {
  const { tenants, ...rest } = s.services[i]!;
  return { ...rest, tenants: Object.fromEntries(tenants.map((t, j) => [s.tenants[j]!.name, t])) };
}
