import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { policyRng, simulateWithPolicy } from '../../policies/control-loop.js';
import type { Policy } from '../../policies/policy.js';
import { createPolicy } from '../../policies/registry.js';
import {
  LEARNED_PREFIX,
  namesBundle,
  prepareLearnedPolicies,
  resolvePolicy,
} from '../../eval/resolve-policy.js';
import { UsageError } from '../../sim-cluster/errors.js';
import { resolveScenario, scenarioToYaml } from '../../sim-cluster/scenario/load.js';
import type { Signals } from '../../sim-cluster/signals.js';
import { TimelineWriter } from '../timeline.js';
import { simulate } from '../../sim-cluster/simulate.js';
import type { SimSummary } from '../../sim-cluster/summary.js';
import { writeFileAtomic } from '../io.js';
import { simulateWithController } from '../../controller/bridge.js';
import { readClientKeys } from '../../controller/keys.js';
import { parseNonNegativeInteger, parsePositiveNumber } from '../options.js';
import { ms, pct, renderTable } from '../table.js';

interface SimOptions {
  seed?: number;
  duration?: number;
  json?: string;
  timeline?: string;
  familySeed?: number;
  printScenario?: boolean;
  policy?: string;
  policyConfig?: string;
  controller?: string;
  controllerKeys?: string;
}

export function register(program: Command): void {
  program
    .command('sim')
    .description(
      'simulate a scenario (a YAML file or a bundled name) and print per-tenant and per-service results',
    )
    .argument('<scenario>', 'scenario file, or the name of a bundled scenario')
    .option('--seed <n>', 'override the scenario seed', parseNonNegativeInteger('--seed'))
    .option(
      '--duration <seconds>',
      'override the measured duration',
      parsePositiveNumber('--duration'),
    )
    .option('--json <file>', "write the JSON summary to FILE ('-' for standard output)")
    .option('--timeline <file>', 'write one JSON line of signals per control window to FILE')
    .option(
      '--family-seed <n>',
      'sample this member of a scenario family',
      parseNonNegativeInteger('--family-seed'),
    )
    .option(
      '--print-scenario',
      'print the scenario as simulated (a family: the sampled member) as YAML',
    )
    .option(
      '--policy <name>',
      'control the run with a policy (see `governor policies`), learned:PATH for a policy bundle, or base:PATH for a residual bundle’s base alone',
    )
    .option('--policy-config <file>', "JSON or YAML file overriding the policy's parameters")
    .option(
      '--controller <endpoint>',
      "take decisions from the daemon at ENDPOINT (lockstep with simulated time; see 'governor serve')",
    )
    .option(
      '--controller-keys <dir>',
      "CURVE for --controller: client.pub, client.key and the daemon's server.pub",
    )
    .action(async (name: string, options: SimOptions) => {
      const policy = await loadPolicy(options);
      const scenario = resolveScenario(
        name,
        options.familySeed !== undefined ? { familySeed: options.familySeed } : {},
      );
      if (options.printScenario) process.stdout.write(`${scenarioToYaml(scenario)}\n`);
      if (options.controller !== undefined) {
        if (policy)
          throw new UsageError(
            '--policy and --controller exclude each other: the daemon runs the policy',
          );
        const keys = options.controllerKeys;
        const summary = await simulateWithController(scenario, {
          endpoint: options.controller,
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          ...(options.duration !== undefined ? { durationSeconds: options.duration } : {}),
          ...(keys !== undefined ? { curve: readClientKeys(keys) } : {}),
          policyName: `controller ${options.controller}`,
          clock: () => performance.now() / 1000,
        });
        return printSummary(summary, options.json);
      }
      const timeline =
        options.timeline !== undefined ? new TimelineWriter(options.timeline) : undefined;
      const runOptions = {
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.duration !== undefined ? { durationSeconds: options.duration } : {}),
        clock: () => performance.now() / 1000,
      };
      const summary = policy
        ? simulateWithPolicy(scenario, policy, {
            ...runOptions,
            ...(timeline ? { observe: (signals: Signals) => timeline.write(signals) } : {}),
          })
        : simulate(scenario, {
            ...runOptions,
            ...(timeline
              ? { onWindow: (_sim: unknown, signals: Signals) => timeline.write(signals) }
              : {}),
          });
      timeline?.commit();
      printSummary(summary, options.json);
    });
}

/** Prints the summary (table, or JSON to '-'), writing `--json FILE` when asked. */
function printSummary(summary: SimSummary, jsonFile: string | undefined): void {
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  if (jsonFile === '-') {
    process.stdout.write(json);
    return;
  }
  if (jsonFile !== undefined) writeFileAtomic(jsonFile, json);
  process.stdout.write(`${formatSummary(summary)}\n`);
}

/**
 * The policy named by `--policy`, with `--policy-config` overrides; undefined without one.
 * `learned:PATH` loads a bundle the way `governor eval` does, so a learned run here scores
 * as the same run there.
 */
async function loadPolicy(options: SimOptions): Promise<Policy | undefined> {
  if (options.policy === undefined) {
    if (options.policyConfig !== undefined)
      throw new UsageError('--policy-config needs --policy NAME');
    return undefined;
  }
  const file = options.policyConfig;
  if (namesBundle(options.policy)) {
    if (file !== undefined)
      throw new UsageError(
        '--policy-config applies to heuristics; a learned policy takes its parameters from its bundle',
      );
    await prepareLearnedPolicies([options.policy]);
    return resolvePolicy(options.policy, options.seed ?? 0);
  }
  if (existsSync(join(options.policy, 'manifest.json')))
    throw new UsageError(
      `--policy '${options.policy}' is a policy bundle: write --policy ${LEARNED_PREFIX}${options.policy}`,
    );
  const overrides = file === undefined ? undefined : parseYaml(readFileSync(file, 'utf8'));
  return createPolicy(options.policy, overrides, { rng: policyRng(options.seed ?? 0) }, file);
}

/** The human-readable report of a run. */
export function formatSummary(s: SimSummary): string {
  const tenants = renderTable(
    [
      'tenant',
      'offered/s',
      'done/s',
      'rejected',
      'failed',
      'p50 ms',
      'p99 ms',
      'p99.9 ms',
      'SLO score',
    ],
    Object.entries(s.tenants).map(([name, t]) => [
      name,
      (t.offered / s.simulatedSeconds).toFixed(1),
      t.throughput.toFixed(1),
      String(t.rejected),
      String(t.failed),
      ms(t.latency.p50),
      ms(t.latency.p99),
      ms(t.latency.p999),
      pct(t.sloAttainment),
    ]),
  );
  const services = renderTable(
    ['service', 'utilisation', 'queue len', 'wait ms', 'hops/s', 'rejected'],
    Object.entries(s.services).map(([name, v]) => [
      name,
      pct(v.utilization),
      v.meanQueueLength.toFixed(2),
      ms(v.meanWait),
      v.throughput.toFixed(1),
      String(v.rejected),
    ]),
  );
  const rate =
    s.wallSeconds > 0 ? `, ${(s.simulatedSeconds / s.wallSeconds).toFixed(0)}x real time` : '';
  return [
    `scenario ${s.scenario} · seed ${s.seed} · policy ${s.policy} · ${s.simulatedSeconds} s measured after ${s.warmupSeconds} s warmup`,
    `${s.events.toLocaleString('en-US')} events in ${s.wallSeconds.toFixed(2)} s wall${rate}`,
    '',
    tenants,
    '',
    services,
    '',
    `run score (weighted SLO attainment): ${s.score.toFixed(4)}`,
  ].join('\n');
}
