/**
 * The stressor scenarios do what their headers claim, judged from the per-window
 * Signals of an uncontrolled run. Each claim is checked against a counterfactual run of
 * the same scenario (same seed) without the mechanism that causes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileModel } from '../../sim-cluster/model.js';
import { resolveScenario } from '../../sim-cluster/scenario/load.js';
import type { Scenario } from '../../sim-cluster/scenario/types.js';
import type { Signals } from '../../sim-cluster/signals.js';
import { Simulation } from '../../sim-cluster/simulation.js';

/** Every window's Signals of an uncontrolled run. */
function windows(scenario: Scenario): Signals[] {
  const out: Signals[] = [];
  new Simulation(compileModel(scenario), { onWindow: (_sim, s) => out.push(s) }).run();
  return out;
}

/** A tenant's `field` per second over the windows inside [from, to) seconds. */
function rate(
  run: readonly Signals[],
  tenant: string,
  field: 'goodput' | 'offered',
  from: number,
  to: number,
): number {
  const inside = run.filter((w) => w.startSeconds >= from && w.endSeconds <= to);
  assert.ok(inside.length > 0, `no windows in [${from}, ${to})`);
  const total = inside.reduce((sum, w) => {
    const t = w.tenants.find((x) => x.name === tenant);
    assert.ok(t, `no tenant ${tenant}`);
    return sum + t[field];
  }, 0);
  const seconds = inside.reduce((sum, w) => sum + w.endSeconds - w.startSeconds, 0);
  return total / seconds;
}

/** The start and end of the scenario's only fault. */
function faultSpan(s: Scenario): { start: number; end: number } {
  assert.equal(s.faults.length, 1);
  const fault = s.faults[0];
  assert.ok(fault);
  return { start: fault.at, end: fault.at + fault.duration };
}

const storm = resolveScenario('retry-storm');
const stormSpan = faultSpan(storm);
const stormRun = windows(storm);
/** Goodput of both retry-storm tenants per second over [from, to). */
const stormGoodput = (run: readonly Signals[], from: number, to: number) =>
  rate(run, 'app', 'goodput', from, to) + rate(run, 'partner', 'goodput', from, to);
const stormOffered = (from: number, to: number) =>
  rate(stormRun, 'app', 'offered', from, to) + rate(stormRun, 'partner', 'offered', from, to);
/** Long after the slowdown: from 45 s after it ends to the end of the run. */
const WELL_AFTER = stormSpan.end + 45;
const END = storm.warmup + storm.duration;

test('before the retry storm is triggered, nearly every request meets its SLO', () => {
  const before = stormGoodput(stormRun, 20, stormSpan.start);
  assert.ok(before > 0.95 * stormOffered(20, stormSpan.start), `goodput ${before}/s`);
});

test('during the slowdown, goodput of the retry storm collapses', () => {
  const during = stormGoodput(stormRun, stormSpan.start + 2, stormSpan.end);
  assert.ok(during < 0.1 * stormGoodput(stormRun, 20, stormSpan.start), `goodput ${during}/s`);
});

test('long after the slowdown ends, the retry storm keeps goodput collapsed', () => {
  const after = stormGoodput(stormRun, WELL_AFTER, END);
  assert.ok(after < 0.1 * stormGoodput(stormRun, 20, stormSpan.start), `goodput ${after}/s`);
});

test('without client retries the same slowdown is survived once the queue drains', () => {
  const noRetries: Scenario = {
    ...storm,
    tenants: storm.tenants.map((t) => ({ ...t, client: { ...t.client, retries: 0 } })),
  };
  const after = stormGoodput(windows(noRetries), WELL_AFTER, END);
  assert.ok(after > 0.9 * stormOffered(WELL_AFTER, END), `goodput ${after}/s`);
});

test('without the slowdown the retrying clients never collapse', () => {
  const run = windows({ ...storm, faults: [] });
  const from = storm.warmup;
  assert.ok(stormGoodput(run, from, END) > 0.95 * stormOffered(from, END));
});

test('a slow payments database starves shoppers who never call it, until it recovers', () => {
  const s = resolveScenario('slow-backend');
  const { start, end } = faultSpan(s);
  const run = windows(s);
  const before = rate(run, 'shoppers', 'goodput', 20, start);
  assert.ok(rate(run, 'shoppers', 'goodput', start + 10, end) < 0.5 * before);
  const after = rate(run, 'shoppers', 'goodput', end + 30, s.warmup + s.duration);
  assert.ok(after > 0.95 * before, `goodput ${after}/s after, ${before}/s before`);
});

test('the flash crowd costs the steady partner goodput while it lasts', () => {
  const s = resolveScenario('flash-crowd');
  const run = windows(s);
  const before = rate(run, 'partner', 'goodput', 20, 60);
  assert.ok(rate(run, 'partner', 'goodput', 65, 120) < 0.9 * before);
  assert.ok(rate(run, 'partner', 'goodput', 140, 200) > 0.95 * before);
});

test('the noisy neighbour costs the interactive tenant goodput while it runs', () => {
  const s = resolveScenario('noisy-neighbour');
  const { start, end } = faultSpan(s);
  const quiet = rate(windows({ ...s, faults: [] }), 'interactive', 'goodput', start, end);
  const noisy = rate(windows(s), 'interactive', 'goodput', start, end);
  assert.ok(noisy < 0.95 * quiet, `goodput ${noisy}/s with the neighbour, ${quiet}/s without`);
});
