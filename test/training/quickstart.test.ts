import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRETRAINED_BUNDLE } from '../../cli/commands/quickstart.js';
import { runCli } from '../cli/run-cli.js';
import { untrainedClusterBundle } from '../fixtures/cluster-bundle.js';

test('quickstart compares a bundle with the baselines on the quick suite and prints the table', () => {
  const out = mkdtempSync(join(tmpdir(), 'governor-quickstart-'));
  const bundle = untrainedClusterBundle(4);
  const r = runCli([
    'quickstart',
    '--policy',
    bundle,
    '--baselines',
    'static',
    '--seeds',
    '1',
    '--jobs',
    '2',
    '--out',
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  for (const scenario of ['steady-overload', 'flash-crowd', 'noisy-neighbour', 'hotel-surge']) {
    assert.match(r.stdout, new RegExp(`\\| ${scenario} \\| learned:${bundle} \\| \\d\\.\\d{3}`));
    assert.match(r.stdout, new RegExp(`\\| ${scenario} \\| static \\| \\d\\.\\d{3}`));
  }
  assert.ok(existsSync(join(out, 'eval', 'summary.md')));
});

test('quickstart without a bundle says where it looked and what to pass', () => {
  const missing = join(tmpdir(), 'no-such-bundle');
  const r = runCli(['quickstart', '--policy', missing]);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr.trim(),
    `governor: --policy ${missing}: no policy bundle there (no manifest.json)`,
  );
  assert.match(PRETRAINED_BUNDLE, /pretrained\/governor-pretrained$/);
});
