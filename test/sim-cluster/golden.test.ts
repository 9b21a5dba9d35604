/**
 * Golden run: a small seeded run's summary, compared exactly. Any change to the
 * simulator's semantics or to the order of its random draws shows up here. When a change
 * is meant to alter results, regenerate the file on purpose:
 *
 *     GOVERNOR_UPDATE_GOLDEN=1 node --test dist/test/sim-cluster/golden.test.js
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveScenario } from '../../sim-cluster/scenario/load.js';
import { simulate } from '../../sim-cluster/simulate.js';

const GOLDEN = fileURLToPath(
  new URL('../../../test/sim-cluster/golden/social-network-5s-seed3.json', import.meta.url),
);

test('a seeded social-network run reproduces its golden summary exactly', () => {
  const summary = simulate(resolveScenario('social-network'), { seed: 3, durationSeconds: 5 });
  const actual = `${JSON.stringify({ ...summary, wallSeconds: 0 }, null, 2)}\n`;
  if (process.env.GOVERNOR_UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, actual);
  assert.equal(actual, readFileSync(GOLDEN, 'utf8'));
});
