/**
 * Every subpath the package exports (package.json `exports`) resolves to a module that
 * loads and exports something: `governor/sim-cluster`, `governor/env`, …
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
  exports: Record<string, string>;
};

test('package.json exports a subpath for every top-level folder', () => {
  for (const folder of [
    'sim-cluster',
    'env',
    'agents',
    'policies',
    'training',
    'eval',
    'controller',
  ]) {
    assert.ok(`./${folder}` in pkg.exports, `missing export ./${folder}`);
  }
});

for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (!target.endsWith('.js')) continue;
  test(`governor${subpath.slice(1)} loads and exports its API`, async () => {
    const mod = (await import(pathToFileURL(`${ROOT}${target}`).href)) as Record<string, unknown>;
    assert.ok(Object.keys(mod).length > 0, `${target} exports nothing`);
  });
}
