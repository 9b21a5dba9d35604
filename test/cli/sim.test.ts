import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTRACT_SCENARIOS, runCli } from './run-cli.js';

test('governor sim prints a per-tenant and per-service table for a bundled scenario', () => {
  const r = runCli(['sim', 'mm4', '--duration', '50']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /scenario mm4 · seed 7/);
  assert.match(r.stdout, /^t1 +\d/m);
  assert.match(r.stdout, /^api +\d/m);
  assert.match(r.stdout, /run score/);
});

test('governor sim --json - writes the summary with every required key', () => {
  const r = runCli([
    'sim',
    join(CONTRACT_SCENARIOS, 'two-tenants.yaml'),
    '--duration',
    '20',
    '--json',
    '-',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  for (const key of [
    'scenario',
    'seed',
    'policy',
    'simulatedSeconds',
    'wallSeconds',
    'events',
    'score',
  ]) {
    assert.ok(key in s, `missing ${key}`);
  }
  for (const name of ['gold', 'bronze']) {
    const t = s.tenants[name];
    for (const key of [
      'offered',
      'admitted',
      'rejected',
      'completed',
      'failed',
      'goodput',
      'sloAttainment',
      'throughput',
    ]) {
      assert.equal(typeof t[key], 'number', `tenants.${name}.${key}`);
    }
    for (const key of ['mean', 'p50', 'p90', 'p99', 'p999', 'max']) {
      assert.equal(typeof t.latency[key], 'number', `tenants.${name}.latency.${key}`);
    }
  }
  for (const key of ['utilization', 'meanQueueLength', 'meanWait', 'throughput']) {
    assert.equal(typeof s.services.store[key], 'number', `services.store.${key}`);
  }
  assert.equal(s.simulatedSeconds, 20);
  assert.equal(s.policy, 'none');
});

test('the same seed gives a byte-identical JSON summary apart from wallSeconds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-sim-'));
  const read = (file: string) => {
    const s = JSON.parse(readFileSync(file, 'utf8'));
    s.wallSeconds = 0;
    return JSON.stringify(s);
  };
  for (const file of ['a.json', 'b.json']) {
    const r = runCli([
      'sim',
      'fanout',
      '--duration',
      '10',
      '--seed',
      '42',
      '--json',
      join(dir, file),
    ]);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.equal(read(join(dir, 'a.json')), read(join(dir, 'b.json')));
});

test('a bad flag value is one clear line and exit code 2', () => {
  const r = runCli(['sim', 'mm4', '--seed', '-3']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--seed must be a non-negative integer, got '-3'/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('an unknown scenario is one clear line and exit code 2', () => {
  const r = runCli(['sim', 'no-such-scenario']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no-such-scenario/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('a malformed scenario file names the file and the field, with exit code 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-bad-'));
  const file = join(dir, 'bad.yaml');
  const text = readFileSync(join(CONTRACT_SCENARIOS, 'mm4.yaml'), 'utf8').replace(
    'workers: 4',
    'workers: 0',
  );
  writeFileSync(file, text);
  const r = runCli(['sim', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.yaml/);
  assert.match(r.stderr, /services\.api\.workers/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('governor sim --timeline writes one JSON line of signals per control window', () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-timeline-'));
  const file = join(dir, 'timeline.jsonl');
  const r = runCli(['sim', 'mm4', '--duration', '20', '--timeline', file]);
  assert.equal(r.code, 0, r.stderr);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  // mm4: warmup 100 s + 20 s measured, one-second windows.
  assert.equal(lines.length, 120);
  const last = JSON.parse(lines.at(-1)!);
  assert.equal(last.window, 119);
  assert.equal(last.tenants[0].name, 't1');
  assert.equal(last.services[0].name, 'api');
  assert.equal(typeof last.services[0].tenants[0].cpuSeconds, 'number');
});

test('governor sim on a family samples one member per family seed and can print it', () => {
  const a = runCli([
    'sim',
    'social-network-family',
    '--family-seed',
    '3',
    '--duration',
    '1',
    '--print-scenario',
  ]);
  const b = runCli([
    'sim',
    'social-network-family',
    '--family-seed',
    '4',
    '--duration',
    '1',
    '--print-scenario',
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const yamlOf = (out: string) => out.slice(0, out.indexOf('\nscenario '));
  assert.match(yamlOf(a.stdout), /^name: /m);
  assert.notEqual(yamlOf(a.stdout), yamlOf(b.stdout), 'different seeds sample different members');
  const again = runCli([
    'sim',
    'social-network-family',
    '--family-seed',
    '3',
    '--duration',
    '1',
    '--print-scenario',
  ]);
  assert.equal(yamlOf(again.stdout), yamlOf(a.stdout), 'the same seed samples the same member');
});
