/**
 * A normalised `Scenario` back to scenario YAML, every default written out, so that
 * `parseScenario(scenarioToYaml(s))` gives `s` again (apart from `source`). The CLI uses
 * it to print the member sampled from a scenario family.
 */
import { Document, isScalar, visit } from 'yaml';
import type { ArrivalSpec, CallSpec, Scenario, ServiceSpec, TenantSpec } from './types.js';

/** The YAML text of `scenario`; a trace's `file` is written as the loader resolved it. */
export function scenarioToYaml(scenario: Scenario): string {
  const doc: Record<string, unknown> = {
    name: scenario.name,
    duration: scenario.duration,
    warmup: scenario.warmup,
    seed: scenario.seed,
    controlInterval: scenario.controlInterval,
    ...(scenario.network.latency === undefined ? {} : { network: scenario.network }),
    services: Object.fromEntries(scenario.services.map((s) => [s.name, serviceToRaw(s)])),
    apis: Object.fromEntries(scenario.apis.map((a) => [a.name, { call: callToRaw(a.call) }])),
    tenants: Object.fromEntries(scenario.tenants.map((t) => [t.name, tenantToRaw(t)])),
    ...(scenario.faults.length === 0 ? {} : { faults: scenario.faults }),
  };
  // Aliases would make shared sub-objects (default distributions) harder to read.
  const document = new Document(doc, { aliasDuplicateObjects: false });
  // Mappings of scalars only (a service, a distribution, a fault) go on one line.
  visit(document, {
    Map(_key, node) {
      if (node.items.every((pair) => isScalar(pair.value))) node.flow = true;
    },
  });
  return document.toString({ lineWidth: 0 });
}

function serviceToRaw(service: ServiceSpec): Record<string, unknown> {
  const { name: _name, ...rest } = service;
  return rest;
}

function callToRaw(call: CallSpec): Record<string, unknown> {
  const { steps, ...rest } = call;
  if (steps.length === 0) return rest;
  const calls = steps.map((step) =>
    step.length === 1 ? callToRaw(step[0] as CallSpec) : { parallel: step.map(callToRaw) },
  );
  return { ...rest, calls };
}

function tenantToRaw(tenant: TenantSpec): Record<string, unknown> {
  const { name: _name, arrivals, requests, ...rest } = tenant;
  return {
    arrivals: arrivalsToRaw(arrivals),
    requests: Object.fromEntries(requests.map((r) => [r.api, r.weight])),
    ...rest,
  };
}

function arrivalsToRaw(arrivals: ArrivalSpec): Record<string, unknown> {
  if (arrivals.process !== 'trace') return arrivals;
  return { process: 'trace', file: arrivals.file, timeScale: arrivals.timeScale };
}
