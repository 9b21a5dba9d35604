import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { RngStream, RngStreams } from '../../sim-cluster/rng.js';

test('draws are seedrandom xor4096 double() draws bit for bit', () => {
  // RngStream steps xor4096 itself; it must stay the very generator it is seeded from,
  // past the 128-word wrap of the state array and for numeric and string seeds alike.
  for (const [seed, label] of [
    [42, 'arrivals'],
    [0, 'service-times'],
    ['ab', 'policy/x'],
  ] as const) {
    const ours = new RngStream(seed, label);
    const theirs = seedrandom.xor4096(`governor:${seed}:${label}`);
    for (let i = 0; i < 5000; i++) assert.equal(ours.next(), theirs.double(), `draw ${i}`);
    assert.equal(ours.nextInt(1000), Math.floor(theirs.double() * 1000));
    assert.equal(ours.nextOpen(), 1 - theirs.double());
  }
});

test('the same seed and label give the same sequence', () => {
  const a = new RngStream(42, 'arrivals');
  const b = new RngStream(42, 'arrivals');
  for (let i = 0; i < 1000; i++) assert.equal(a.next(), b.next());
});

test('streams of different concerns are independent of each other’s draws', () => {
  const one = new RngStreams(7);
  const two = new RngStreams(7);
  for (let i = 0; i < 100; i++) one.get('service-times').next();
  assert.equal(one.get('arrivals').next(), two.get('arrivals').next());
});

test('different seeds give different sequences', () => {
  assert.notEqual(new RngStream(1, 'x').next(), new RngStream(2, 'x').next());
});

test('nextOpen never returns zero and stays in (0, 1]', () => {
  const r = new RngStream(3, 'open');
  for (let i = 0; i < 100000; i++) {
    const u = r.nextOpen();
    assert.ok(u > 0 && u <= 1, `got ${u}`);
  }
});

test('uniform draws have mean 1/2 and variance 1/12 within sampling error', () => {
  const r = new RngStream(5, 'moments');
  const n = 200000;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    sum += u;
    sumSq += u * u;
  }
  const mean = sum / n;
  const variance = sumSq / n - mean * mean;
  // Standard error of the mean is sqrt(1/12/n) ~ 0.00065: allow five of them.
  assert.ok(Math.abs(mean - 0.5) < 0.0033, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 0.001, `variance ${variance}`);
});

test('forked streams differ from their parent and are reproducible', () => {
  const parent = new RngStream(9, 'faults');
  const f1 = parent.fork('crash');
  const f2 = new RngStream(9, 'faults').fork('crash');
  assert.equal(f1.label, 'faults/crash');
  const x = f1.next();
  assert.equal(x, f2.next());
  assert.notEqual(x, new RngStream(9, 'faults').next());
});
