/**
 * One run of the demo under one policy: the controller daemon (in this process, on a
 * free loopback port, with `policy`), the services (child processes on free loopback
 * ports, started leaves-first is unnecessary: each listens first, then learns its peers'
 * ports), then the open-loop load; at the end the services' statistics are collected and
 * every process is stopped.
 */
import { pino } from 'pino';
import { ControllerDaemon } from '../controller/daemon.js';
import { GuardedPolicy } from '../controller/guarded-policy.js';
import type { Decision, Policy, Signals } from '../policies/policy.js';
import type { FromLoad, FromService, LoadInit, ServiceStats } from './messages.js';
import { nextFrom, type ProcessGroup } from './processes.js';
import type { LoadResult } from './slo-tally.js';
import type { DemoTopology } from './topology.js';

export interface PhaseOptions {
  readonly label: string;
  readonly topology: DemoTopology;
  readonly policy: Policy;
  /** Multiplies every tenant's rate (default 1). */
  readonly scale?: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly seed: number;
  readonly group: ProcessGroup;
  readonly log: (line: string) => void;
}

export interface PhaseResult {
  readonly label: string;
  readonly load: LoadResult;
  readonly services: readonly ServiceStats[];
  /** Decisions the daemon sent, and how many of them came from a guard's fallback. */
  readonly decisions: number;
  readonly fallbackDecisions: number;
}

/** Counts decisions, and those a GuardedPolicy took with its fallback. */
class CountingPolicy implements Policy {
  decisions = 0;
  fallback = 0;
  readonly name: string;
  constructor(private readonly inner: Policy) {
    this.name = inner.name;
  }
  decide(signals: Signals): Decision {
    const d = this.inner.decide(signals);
    this.decisions++;
    if (this.inner instanceof GuardedPolicy && this.inner.mode === 'fallback') this.fallback++;
    return d;
  }
  reset(): void {
    this.inner.reset?.();
  }
}

const START_TIMEOUT_MS = 30_000;

export async function runPhase(o: PhaseOptions): Promise<PhaseResult> {
  const counting = new CountingPolicy(o.policy);
  if (o.policy instanceof GuardedPolicy)
    o.policy.onSwitch = (mode, reason) => o.log(`  guard: ${mode} (${reason})`);
  const daemon = await ControllerDaemon.start({
    policy: counting,
    bind: 'tcp://127.0.0.1:*',
    logger: pino({ level: process.env.GOVERNOR_LOG_LEVEL ?? 'warn' }),
  });
  try {
    const services = o.topology.services.map((s) => ({
      name: s.name,
      child: o.group.fork('./service-main.js', s.name),
    }));
    o.log(`  pids: ${o.group.pids.join(' ')}`);
    const ports: Record<string, number> = {};
    await Promise.all(
      services.map(async ({ name, child }) => {
        const ready = nextFrom<Extract<FromService, { type: 'ready' }>>(
          child,
          'ready',
          name,
          START_TIMEOUT_MS,
        );
        child.send({ type: 'init', service: name, topology: o.topology, seed: o.seed });
        ports[name] = (await ready).port;
      }),
    );
    await Promise.all(
      services.map(({ name, child }) => {
        const started = nextFrom(child, 'started', name, START_TIMEOUT_MS);
        child.send({ type: 'start', ports, endpoint: daemon.endpoint });
        return started;
      }),
    );
    const frontend = Object.values(o.topology.apis)[0]!.service;
    const loadgen = o.group.fork('./loadgen-main.js', 'loadgen');
    o.log(`  pids: ${o.group.pids.join(' ')}`);
    const timeoutSeconds = 5;
    const total = o.warmupSeconds + o.durationSeconds + timeoutSeconds;
    const result = nextFrom<FromLoad>(loadgen, 'result', 'load generator', (total + 30) * 1000);
    const init: LoadInit = {
      type: 'init',
      port: ports[frontend]!,
      topology: o.topology,
      scale: o.scale ?? 1,
      warmupSeconds: o.warmupSeconds,
      durationSeconds: o.durationSeconds,
      seed: o.seed,
      timeoutSeconds,
    };
    loadgen.send(init);
    // Statistics cover the measured part only (not start-up, JIT warm-up, the warm-up load).
    const reset = setTimeout(() => {
      for (const { child } of services) if (child.connected) child.send({ type: 'reset-stats' });
    }, o.warmupSeconds * 1000);
    const load = await result.finally(() => clearTimeout(reset)).then((m) => m.result);
    const stats = await Promise.all(
      services.map(({ name, child }) => {
        const answer = nextFrom<ServiceStats>(child, 'stats', name, 10_000);
        child.send({ type: 'stats' });
        return answer;
      }),
    );
    return {
      label: o.label,
      load,
      services: stats,
      decisions: counting.decisions,
      fallbackDecisions: counting.fallback,
    };
  } finally {
    await o.group.stopAll();
    await daemon.stop();
  }
}
