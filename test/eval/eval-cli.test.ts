import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/run-cli.js';

function tinySuite(dir: string): string {
  const file = join(dir, 'tiny.yaml');
  writeFileSync(
    file,
    [
      'name: tiny',
      'scenarios:',
      '  - { name: overload, scenario: two-tenants, duration: 6, warmup: 2, covers: steady overload }',
      '  - { name: neighbour, scenario: noisy-neighbour, duration: 5, warmup: 2 }',
      '',
    ].join('\n'),
  );
  return file;
}

test('governor eval runs a tiny suite and writes well-formed reports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-eval-'));
  const out = join(dir, 'out');
  const r = runCli([
    'eval',
    '--suite',
    tinySuite(dir),
    '--policies',
    'none,static',
    '--seeds',
    '2',
    '--out',
    out,
    '--jobs',
    '2',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /2 scenarios × 2 policies × 2 seeds = 8 runs on 2 workers/);
  assert.match(r.stderr, /\[8\/8\]/);
  assert.match(r.stdout, /^\| overload \| steady overload \| /m);
  const md = readFileSync(join(out, 'summary.md'), 'utf8');
  assert.ok(md.startsWith(r.stdout.trimEnd()), 'summary.md starts with what the terminal shows');
  assert.match(md, /^\| overload \| none \| gold \| /m);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<\/html>\n$/);
  assert.equal((html.match(/<svg /g) ?? []).length, (html.match(/<\/svg>/g) ?? []).length);
  assert.ok((html.match(/<svg /g) ?? []).length >= 1 + 2 * 2 * 3 + 2 * 2);
  assert.doesNotMatch(html, /<script|<link|src=|url\(/, 'the report must fetch nothing');
  const runs = readFileSync(join(out, 'runs.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(runs.length, 8);
  const agg = JSON.parse(readFileSync(join(out, 'aggregate.json'), 'utf8'));
  assert.equal(agg.aggregate.cells.length, 4);
  assert.ok(!existsSync(join(out, `.summary.md.tmp`)));
});

test('governor eval names the suite field that is wrong and exits 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-eval-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'name: bad\nscenarios:\n  - { name: a, scenario: mm1, warmup: -1 }\n');
  const r = runCli(['eval', '--suite', file, '--policies', 'none', '--out', join(dir, 'o')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /scenarios\[0\]\.warmup/);
});

test('governor eval rejects an unknown policy before running anything', () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-eval-'));
  const r = runCli(['eval', '--suite', tinySuite(dir), '--policies', 'none,nope', '--out', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown policy 'nope'/);
});

test('governor eval says plainly when a learned policy cannot be loaded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-eval-'));
  const r = runCli([
    'eval',
    '--suite',
    tinySuite(dir),
    '--policies',
    `learned:${join(dir, 'missing.bundle')}`,
    '--out',
    dir,
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot run learned policy/);
});
