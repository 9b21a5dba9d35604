import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventQueue } from '../../sim-cluster/engine/event-queue.js';
import { SimulationError } from '../../sim-cluster/errors.js';

test('events pop in time order, and equal times pop in insertion order', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 300 }),
      (times) => {
        const q = new EventQueue(2);
        times.forEach((t, i) => q.push(t, 0, i, 0));
        const expected = times.map((t, i) => ({ t, i })).sort((x, y) => x.t - y.t || x.i - y.i);
        for (const e of expected) {
          assert.ok(q.pop());
          assert.equal(q.now, e.t);
          assert.equal(q.a, e.i);
        }
        assert.equal(q.pop(), false);
      },
    ),
  );
});

test('interleaved pushes and pops match a sorted-list model, payload included', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 6 })), { maxLength: 600 }),
      (ops) => {
        const q = new EventQueue(1);
        const model: { t: number; seq: number }[] = [];
        let seq = 0;
        for (const [isPush, delay] of ops) {
          if (isPush) {
            // Coarse times make ties common; the payload identifies the event.
            const t = q.now + delay;
            q.push(t, seq % 13, seq, -seq - 1);
            model.push({ t, seq: seq++ });
            continue;
          }
          model.sort((x, y) => x.t - y.t || x.seq - y.seq);
          const e = model.shift();
          assert.equal(q.pop(), e !== undefined);
          if (e === undefined) continue;
          assert.deepEqual([q.now, q.kind, q.a, q.b], [e.t, e.seq % 13, e.seq, -e.seq - 1]);
        }
        assert.equal(q.size, model.length);
      },
    ),
  );
});

test('time never goes back while events are interleaved with pops', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.boolean(), fc.double({ min: 0, max: 5, noNaN: true })), {
        maxLength: 500,
      }),
      (ops) => {
        const q = new EventQueue(4);
        let last = 0;
        for (const [isPush, delay] of ops) {
          if (isPush) q.push(q.now + delay, 1, 0, 0);
          else if (q.pop()) {
            assert.ok(q.now >= last, `time went back from ${last} to ${q.now}`);
            last = q.now;
          }
        }
      },
    ),
  );
});

test('scheduling an event in the past throws with both times in the message', () => {
  const q = new EventQueue();
  q.push(5, 3, 0, 0);
  q.pop();
  assert.throws(
    () => q.push(4, 7, 0, 0),
    (e: unknown) => {
      assert.ok(e instanceof SimulationError);
      assert.match(e.message, /kind 7 at t=4: it is before now \(t=5\)/);
      return true;
    },
  );
});

test('scheduling at NaN throws instead of corrupting the heap', () => {
  assert.throws(() => new EventQueue().push(Number.NaN, 0, 0, 0), SimulationError);
});
