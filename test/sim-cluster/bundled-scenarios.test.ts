/** The bundled scenarios of issue 3: they load, name their sources and have the shape they claim. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  bundledScenarioNames,
  bundledScenarioPath,
  resolveScenario,
} from '../../sim-cluster/scenario/load.js';
import type { CallSpec, DistributionSpec, Scenario } from '../../sim-cluster/scenario/types.js';

const SYSTEMS = ['social-network', 'hotel-reservation', 'train-ticket'];
const STRESSORS = [
  'flash-crowd',
  'noisy-neighbour',
  'slow-backend',
  'retry-storm',
  'tenant-churn',
  'diurnal',
];
const FAMILIES = ['social-network-family'];
const TRACES = ['trace-replay'];
const ALL = [...SYSTEMS, ...STRESSORS, ...FAMILIES, ...TRACES];

/** Mean of a distribution spec (the kinds the bundled scenarios use). */
function meanOf(d: DistributionSpec): number {
  switch (d.dist) {
    case 'exponential':
    case 'lognormal':
    case 'gamma':
      return d.mean;
    case 'constant':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'mixture': {
      const total = d.components.reduce((s, c) => s + c.weight, 0);
      return d.components.reduce((s, c) => s + (c.weight / total) * meanOf(c.of), 0);
    }
    default:
      throw new Error(`no mean for ${d.dist}`);
  }
}

/** Adds the mean CPU seconds each service spends on one call of `call` to `into`. */
function addCpu(call: CallSpec, scale: number, into: Map<string, number>): void {
  const cpu = meanOf(call.work) + (call.postWork ? meanOf(call.postWork) : 0);
  into.set(call.service, (into.get(call.service) ?? 0) + scale * cpu);
  for (const step of call.steps) for (const child of step) addCpu(child, scale, into);
}

/** Offered utilisation per service of a scenario whose tenants are all Poisson. */
function utilisation(s: Scenario): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const t of s.tenants) {
    assert.equal(t.arrivals.process, 'poisson');
    const rate = t.arrivals.process === 'poisson' ? t.arrivals.rate : 0;
    const total = t.requests.reduce((sum, r) => sum + r.weight, 0);
    for (const r of t.requests) {
      const api = s.apis.find((a) => a.name === r.api);
      assert.ok(api);
      addCpu(api.call, (rate * r.weight) / total, cpu);
    }
  }
  const out = new Map<string, number>();
  for (const service of s.services) {
    out.set(service.name, (cpu.get(service.name) ?? 0) / (service.replicas * service.cores));
  }
  return out;
}

function depth(call: CallSpec): number {
  return 1 + Math.max(0, ...call.steps.flat().map(depth));
}

function poissonRate(s: Scenario): number {
  return s.tenants.reduce(
    (sum, t) => sum + (t.arrivals.process === 'poisson' ? t.arrivals.rate : 0),
    0,
  );
}

for (const name of ALL) {
  test(`bundled scenario ${name} loads under its own name`, () => {
    const s = resolveScenario(name);
    assert.equal(s.name, FAMILIES.includes(name) ? `${name}#1` : name);
    assert.equal(s.source, name);
  });

  test(`bundled scenario ${name} opens with a comment naming its source`, () => {
    const text = readFileSync(bundledScenarioPath(name), 'utf8');
    const header = text.slice(0, text.indexOf('\nname:'));
    assert.ok(
      header.split('\n').every((line) => line.startsWith('#')),
      'header lines are comments',
    );
    assert.match(
      header,
      /\b(19|20)\d\d\b|github\.com/,
      'the header cites a paper year or a repository',
    );
    assert.match(header, /Exercises:/);
  });
}

test('every issue 3 scenario is bundled', () => {
  const names = bundledScenarioNames();
  for (const name of ALL) assert.ok(names.includes(name), name);
});

test('social-network has at least 12 services and about 2,000 requests per second', () => {
  const s = resolveScenario('social-network');
  assert.ok(s.services.length >= 12, `${s.services.length} services`);
  assert.ok(Math.abs(poissonRate(s) - 2000) <= 100, `${poissonRate(s)}/s`);
  assert.ok(s.tenants.length >= 2);
});

test('social-network runs its busiest service at a moderate offered utilisation', () => {
  const busiest = Math.max(...utilisation(resolveScenario('social-network')).values());
  assert.ok(busiest > 0.4 && busiest < 0.75, `busiest service at ${busiest}`);
});

test('social-network compose-post fans out in two parallel phases, text in one more', () => {
  const s = resolveScenario('social-network');
  const nginx = s.apis.find((a) => a.name === 'compose-post')?.call;
  const compose = nginx?.steps[0]?.[0];
  assert.equal(compose?.service, 'compose-post-service');
  const phases = compose?.steps.map((step) => step.map((c) => c.service).sort());
  assert.deepEqual(phases, [
    ['media-service', 'text-service', 'unique-id-service', 'user-service'],
    ['home-timeline-service', 'post-storage-service', 'user-timeline-service'],
  ]);
  const text = compose?.steps[0]?.find((c) => c.service === 'text-service');
  assert.deepEqual(
    text?.steps.map((step) => step.map((c) => c.service).sort()),
    [['url-shorten-service', 'user-mention-service']],
  );
});

test('social-network has read-home-timeline and read-user-timeline paths', () => {
  const apis = resolveScenario('social-network').apis.map((a) => a.name);
  assert.ok(apis.includes('read-home-timeline') && apis.includes('read-user-timeline'));
});

test('hotel-reservation has the eight logic services of DeathStarBench', () => {
  const services = resolveScenario('hotel-reservation').services.map((s) => s.name);
  for (const name of [
    'frontend',
    'search',
    'geo',
    'rate',
    'profile',
    'recommendation',
    'reservation',
    'user',
  ]) {
    assert.ok(services.includes(name), name);
  }
});

test('train-ticket has at least 30 services, several APIs and call trees six or more deep', () => {
  const s = resolveScenario('train-ticket');
  assert.ok(s.services.length >= 30, `${s.services.length} services`);
  assert.ok(s.apis.length >= 5, `${s.apis.length} apis`);
  assert.ok(Math.max(...s.apis.map((a) => depth(a.call))) >= 6);
});

test('no bundled system scenario overloads a service on average', () => {
  for (const name of SYSTEMS) {
    for (const [service, u] of utilisation(resolveScenario(name))) {
      assert.ok(u < 0.8, `${name} ${service} at ${u}`);
    }
  }
});

test('each stressor uses the mechanism it is named for', () => {
  const kinds = (name: string) => resolveScenario(name).faults.map((f) => f.kind);
  const processes = (name: string) => resolveScenario(name).tenants.map((t) => t.arrivals.process);
  assert.ok(processes('flash-crowd').includes('schedule'));
  assert.ok(kinds('noisy-neighbour').includes('noisy-neighbour'));
  assert.ok(processes('noisy-neighbour').includes('mmpp'));
  assert.ok(kinds('slow-backend').includes('slowdown'));
  assert.ok(kinds('retry-storm').includes('slowdown'));
  assert.ok(resolveScenario('retry-storm').tenants.every((t) => (t.client?.retries ?? 0) >= 1));
  assert.ok(processes('tenant-churn').filter((p) => p === 'schedule').length >= 2);
  assert.ok(processes('diurnal').includes('diurnal'));
});

test('the flash crowd triples its shoppers for a while', () => {
  const shoppers = resolveScenario('flash-crowd').tenants.find((t) => t.name === 'shoppers');
  assert.equal(shoppers?.arrivals.process, 'schedule');
  const rates =
    shoppers?.arrivals.process === 'schedule' ? shoppers.arrivals.points.map((p) => p.rate) : [];
  assert.equal(Math.max(...rates) / (rates[0] ?? NaN), 3);
  assert.equal(rates[rates.length - 1], rates[0]);
});

test('the social-network family samples the same member for a seed', () => {
  assert.deepEqual(
    resolveScenario('social-network-family', { familySeed: 5 }),
    resolveScenario('social-network-family', { familySeed: 5 }),
  );
});

test('the social-network family samples different members for different seeds', () => {
  const members = [1, 2, 3, 4].map((familySeed) =>
    JSON.stringify({ ...resolveScenario('social-network-family', { familySeed }), name: '' }),
  );
  assert.equal(new Set(members).size, 4);
});

test('the social-network family keeps the topology of social-network', () => {
  const plain = resolveScenario('social-network');
  const member = resolveScenario('social-network-family', { familySeed: 9 });
  assert.deepEqual(
    member.services.map((s) => s.name),
    plain.services.map((s) => s.name),
  );
  assert.deepEqual(member.apis, plain.apis);
});

test('trace-replay replays every row of its bundled trace, each tenant its own', () => {
  const s = resolveScenario('trace-replay');
  const csvPath = join(dirname(bundledScenarioPath('trace-replay')), 'traces', 'shop-30s.csv');
  const lines = readFileSync(csvPath, 'utf8').trim().split('\n').slice(1);
  for (const t of s.tenants) {
    assert.equal(t.arrivals.process, 'trace');
    const rows = t.arrivals.process === 'trace' ? t.arrivals.rows : [];
    assert.equal(rows.length, lines.filter((l) => l.split(',')[1] === t.name).length);
    assert.equal(t.arrivals.process === 'trace' && t.arrivals.file, csvPath);
    const weights = t.requests.reduce((sum, r) => sum + r.weight, 0);
    assert.equal(weights, rows.length);
  }
});
