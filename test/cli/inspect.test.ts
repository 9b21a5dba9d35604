import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRETRAINED_BUNDLE } from '../../cli/commands/quickstart.js';
import { runCli } from './run-cli.js';

test('governor inspect warns when a cluster policy records no feature ranges', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'governor-inspect-')), 'bundle');
  cpSync(PRETRAINED_BUNDLE, dir, { recursive: true });
  const withRanges = runCli(['inspect', dir]);
  assert.equal(withRanges.code, 0, withRanges.stderr);
  assert.match(withRanges.stdout, /^feature ranges: [1-9]\d*$/m);

  const manifestFile = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  delete manifest.training.featureRanges;
  writeFileSync(manifestFile, JSON.stringify(manifest));
  const without = runCli(['inspect', dir]);
  // Still a valid bundle: the warning informs, it does not fail the check.
  assert.equal(without.code, 0, without.stderr);
  assert.match(without.stdout, /: OK /);
  assert.match(without.stdout, /feature ranges: none recorded \(warning: .*safety bounds/);
});
