import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import {
  SpinBudget,
  spinForChange,
  waitForChange,
  waitForChangeAsync,
} from '../../env/vector/worker-protocol.js';

/**
 * A thread that first sends stale notifies — wake-ups with the word unchanged, as a
 * notify delayed past the change it announced would — until one actually woke a waiter,
 * then, `delayMs` later, changes the word to `value` and notifies properly.
 */
function staleThenChange(control: Int32Array, value: number, delayMs: number): Worker {
  return new Worker(
    `const { workerData: { buffer, value, delayMs } } = require('node:worker_threads');
     const control = new Int32Array(buffer);
     const start = Date.now();
     while (Atomics.notify(control, 0) === 0) {
       if (Date.now() - start > 10000) throw new Error('nobody waited');
     }
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);
     Atomics.store(control, 0, value);
     Atomics.notify(control, 0);`,
    { eval: true, workerData: { buffer: control.buffer, value, delayMs } },
  );
}

test('the async wait ignores a stale wake-up and resolves only once the word changed', async () => {
  const control = new Int32Array(new SharedArrayBuffer(4));
  const worker = staleThenChange(control, 7, 50);
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  assert.equal(await waitForChangeAsync(control, 0, 0), 7);
  assert.equal(Atomics.load(control, 0), 7);
  await exited;
});

test('the blocking wait ignores a stale wake-up and returns the new value', async () => {
  const control = new Int32Array(new SharedArrayBuffer(4));
  const worker = staleThenChange(control, 3, 50);
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  assert.equal(waitForChange(control, 0, 0, 20_000), 3);
  await exited;
});

test('the blocking wait returns at once on a changed word and gives up after its timeout', () => {
  const control = new Int32Array(new SharedArrayBuffer(8));
  control[1] = 5;
  assert.equal(waitForChange(control, 1, 4, 0), 5);
  const start = Date.now();
  assert.equal(waitForChange(control, 0, 0, 30), undefined);
  assert.ok(Date.now() - start >= 29, 'waited about the timeout');
});

test('spinForChange returns a changed word at once and gives up after its checks', () => {
  const control = new Int32Array(new SharedArrayBuffer(8));
  control[1] = 9;
  assert.equal(spinForChange(control, 1, 8, 1), 9);
  assert.equal(spinForChange(control, 0, 0, 1000), undefined);
  assert.equal(spinForChange(control, 1, 9, 0), undefined);
});

test('the spin budget halves on misses, then sleeps for a cooldown, then tries again', () => {
  const spin = new SpinBudget(1600);
  assert.equal(spin.next(), 1600);
  spin.record(false);
  assert.equal(spin.next(), 800);
  spin.record(true);
  assert.equal(spin.next(), 1600, 'a caught command restores the full budget');
  for (const expected of [1600, 800, 400, 200]) {
    assert.equal(spin.next(), expected);
    spin.record(false);
  }
  // 200 → 100 = 1600 / 16 is not below a 16th; 50 would be.
  assert.equal(spin.next(), 100);
  spin.record(false);
  for (let k = 0; k < SpinBudget.COOLDOWN_STEPS; k++) assert.equal(spin.next(), 0);
  assert.equal(spin.next(), 1600, 'after the cooldown, the full budget again');
  assert.equal(new SpinBudget(0).next(), 0);
});
