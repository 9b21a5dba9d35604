/**
 * The contract scenarios of shared/scenarios/ run exactly as written (full duration, own
 * seed), and their results agree with the theory each one was written to exhibit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadScenarioFile } from '../../sim-cluster/scenario/load.js';
import { simulate } from '../../sim-cluster/simulate.js';
import { assertClose } from './assert-close.js';

const CONTRACT_DIR = fileURLToPath(new URL('../../../../shared/scenarios/', import.meta.url));
const run = (file: string) => simulate(loadScenarioFile(join(CONTRACT_DIR, file)));

test('mm4.yaml runs as written and matches Erlang C', () => {
  const r = run('mm4.yaml');
  assert.equal(r.simulatedSeconds, 2000);
  // Erlang C with c = 4, a = 3.2: P(wait) = 0.5964, Wq = P(wait) / (cμ − λ).
  let sum = 0;
  let term = 1;
  for (let k = 0; k < 4; k++) {
    sum += term;
    term *= 3.2 / (k + 1);
  }
  const top = term / (1 - 0.8);
  const wq = top / (sum + top) / (400 - 320);
  assertClose(r.services.api!.meanWait, wq, 0.03, 'mean wait');
  assertClose(r.services.api!.utilization, 0.8, 0.01, 'utilisation');
});

test('tandem.yaml runs as written and matches the Jackson product form', () => {
  const r = run('tandem.yaml');
  assertClose(r.services.front!.meanWait, 0.4 / 150, 0.03, 'front mean wait');
  assertClose(r.services.back!.meanWait, 0.6 / (1 / 0.006 - 100), 0.03, 'back mean wait');
  assertClose(r.tenants.reader!.latency.mean, 1 / 150 + 1 / (1 / 0.006 - 100), 0.03, 'sojourn');
});

test('fanout.yaml runs as written: every request completes and every hop is accounted for', () => {
  const r = run('fanout.yaml');
  const web = r.tenants.web!;
  const batch = r.tenants.batch!;
  assert.equal(web.rejected + web.failed + batch.rejected + batch.failed, 0);
  // Mix: web 10% compose-post, batch 75%: compose hops/s = 0.1 × 400 + 0.75 × 200 = 190.
  assertClose(r.services.compose!.throughput, 190, 0.03, 'compose hops/s');
  // Storage is called once by each API: 600 hops/s.
  assertClose(r.services.storage!.throughput, 600, 0.03, 'storage hops/s');
});

test('two-tenants.yaml runs as written and weighted fair queueing shares the store 3:1', () => {
  const r = run('two-tenants.yaml');
  assertClose(r.tenants.gold!.throughput / r.tenants.bronze!.throughput, 3, 0.02, 'share');
  assertClose(r.services.store!.utilization, 1, 0.01, 'saturated');
});
