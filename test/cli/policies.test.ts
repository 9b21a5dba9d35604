import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyEntries, policyNames } from '../../policies/registry.js';
import { runCli } from './run-cli.js';
import { PRETRAINED_BUNDLE } from '../../cli/commands/quickstart.js';
import { prepareLearnedPolicies, resolvePolicy } from '../../eval/resolve-policy.js';
import { simulateWithPolicy } from '../../policies/control-loop.js';
import { resolveScenario } from '../../sim-cluster/scenario/load.js';

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

test('governor sim --policy learned:PATH runs a bundle as eval does; a bare bundle path is refused', async () => {
  const bundle = PRETRAINED_BUNDLE;
  const dir = mkdtempSync(join(tmpdir(), 'governor-learned-'));
  const out = join(dir, 'run.json');
  const args = ['sim', 'flash-crowd', '--seed', '3', '--duration', '10'];
  const r = runCli([...args, '--policy', `learned:${bundle}`, '--json', out]);
  assert.equal(r.code, 0, r.stderr);
  const viaCli = JSON.parse(readFileSync(out, 'utf8')) as { score: number; seed: number };
  assert.equal(viaCli.seed, 3);

  // The same run in-process, through eval's resolver: the CLI adds nothing of its own.
  await prepareLearnedPolicies([`learned:${bundle}`]);
  const policy = resolvePolicy(`learned:${bundle}`, 3);
  const inProcess = simulateWithPolicy(resolveScenario('flash-crowd'), policy, {
    seed: 3,
    durationSeconds: 10,
  });
  assert.equal(viaCli.score, inProcess.score);

  const bare = runCli([...args, '--policy', bundle]);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /is a policy bundle: write --policy learned:/);
  const config = join(dir, 'c.yaml');
  writeFileSync(config, 'x: 1\n');
  const withConfig = runCli([...args, '--policy', `learned:${bundle}`, '--policy-config', config]);
  assert.equal(withConfig.code, 2);
  assert.match(withConfig.stderr, /a learned policy takes its parameters from its bundle/);
});

test('governor sim --policy base:PATH runs the bundle’s base composition as eval does', async () => {
  const name = `base:${PRETRAINED_BUNDLE}`;
  const out = join(mkdtempSync(join(tmpdir(), 'governor-base-')), 'run.json');
  const r = runCli([
    'sim',
    'flash-crowd',
    '--seed',
    '3',
    '--duration',
    '10',
    '--policy',
    name,
    '--json',
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const viaCli = JSON.parse(readFileSync(out, 'utf8')) as { score: number; policy: string };
  await prepareLearnedPolicies([name]);
  const inProcess = simulateWithPolicy(resolveScenario('flash-crowd'), resolvePolicy(name, 3), {
    seed: 3,
    durationSeconds: 10,
  });
  assert.equal(viaCli.score, inProcess.score);
  assert.equal(viaCli.policy, 'retro-drf+breakwater');
});
