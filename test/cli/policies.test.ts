import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyEntries, policyNames } from '../../policies/registry.js';
import { runCli } from './run-cli.js';

test('governor policies lists every policy with its one-line description', () => {
  const r = runCli(['policies']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, policyEntries().length);
  for (const e of policyEntries()) {
    assert.ok(
      lines.some((l) => l.startsWith(e.name + ' ') && l.endsWith(e.description)),
      e.name,
    );
  }
});

test('governor sim --policy runs the scenario under the policy and names it', () => {
  const r = runCli(['sim', 'mm4', '--duration', '10', '--policy', 'aimd', '--json', '-']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).policy, 'aimd');
});

test('governor sim with an unknown policy exits 2 with one line listing the known names', () => {
  const r = runCli(['sim', 'mm4', '--duration', '1', '--policy', 'nope']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.ok(r.stderr.includes(policyNames().join(', ')), r.stderr);
});

test('governor sim --policy-config overrides parameters and names a bad field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-policy-'));
  const good = join(dir, 'good.yaml');
  writeFileSync(good, 'decreaseFactor: 0.5\n');
  const ok = runCli(['sim', 'mm4', '--duration', '5', '--policy', 'aimd', '--policy-config', good]);
  assert.equal(ok.code, 0, ok.stderr);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"decreaseFactor": "half"}');
  const r = runCli(['sim', 'mm4', '--duration', '5', '--policy', 'aimd', '--policy-config', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.json: must be a number, got "half" at aimd\.decreaseFactor/);
});
