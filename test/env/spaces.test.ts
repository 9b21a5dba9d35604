import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RngStream } from '../../sim-cluster/rng.js';
import { InvalidArgumentError } from '../../sim-cluster/errors.js';
import {
  Box,
  DictSpace,
  Discrete,
  MultiBinary,
  MultiDiscrete,
  TupleSpace,
  flatdim,
  flatten,
  flattenSpace,
  spaceFromJson,
  unflatten,
} from '../../env/index.js';
import type { Space } from '../../env/index.js';

const bound = fc.double({ min: -1e6, max: 1e6, noNaN: true });

test('Box samples lie in the box for any finite bounds', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(bound, bound), { minLength: 1, maxLength: 5 }),
      fc.integer(),
      (pairs, seed) => {
        const low = pairs.map(([a, b]) => Math.min(a, b));
        const high = pairs.map(([a, b]) => Math.max(a, b));
        const box = new Box({ low, high });
        assert.equal(box.explain(box.sample(seed)), undefined);
      },
    ),
  );
});

test('Box samples lie in the box on half-bounded and unbounded dimensions', () => {
  const box = new Box({
    low: [0, -Infinity, -Infinity],
    high: [Infinity, 3, Infinity],
    dtype: 'float64',
  });
  const rng = new RngStream(1, 'test');
  for (let i = 0; i < 1000; i++) {
    const x = box.sample(rng);
    assert.ok(x instanceof Float64Array);
    assert.equal(box.explain(x), undefined);
  }
});

test('Box sampling is reproducible from a seed and from a stream', () => {
  const box = new Box({ low: -1, high: 1, shape: [2, 3] });
  assert.deepEqual(box.sample(7), box.sample(7));
  assert.deepEqual(box.sample(new RngStream(7, 'a')), box.sample(new RngStream(7, 'a')));
  assert.notDeepEqual(box.sample(7), box.sample(8));
});

test('Box explains NaN, bounds and shape violations with the index, value and bound', () => {
  const box = new Box({ low: [-1, -2], high: [1, 2] });
  assert.match(box.explain(Float32Array.of(0, NaN)) ?? '', /index 1 is NaN/);
  assert.match(
    box.explain(Float32Array.of(0, 3)) ?? '',
    /value 3 at index 1 is above the upper bound 2/,
  );
  assert.match(
    box.explain(Float32Array.of(-1.5, 0)) ?? '',
    /value -1.5 at index 0 is below the lower bound -1/,
  );
  assert.match(box.explain(Float32Array.of(0)) ?? '', /expected length 2.*got length 1/);
  assert.match(box.explain([0, 0]) ?? '', /expected a Float32Array/);
  assert.match(box.explain(Float64Array.of(0, 0)) ?? '', /expected a Float32Array/);
  assert.equal(box.contains(Float32Array.of(1, -2)), true);
});

test('a float32 Box rounds its bounds to float32', () => {
  const box = new Box({ low: -4.8, high: 4.8, shape: [1] });
  assert.equal(box.high[0], Math.fround(4.8));
  assert.equal(box.contains(Float32Array.of(4.8)), true);
});

test('Box rejects low above high', () => {
  assert.throws(() => new Box({ low: [1], high: [0] }), InvalidArgumentError);
});

test('Discrete samples cover exactly {start, ..., start + n - 1}', () => {
  const d = new Discrete(3, -1);
  const rng = new RngStream(2, 'd');
  const seen = new Set<number>();
  for (let i = 0; i < 300; i++) seen.add(d.sample(rng));
  assert.deepEqual([...seen].sort(), [-1, 0, 1]);
  assert.equal(d.contains(2), false);
  assert.equal(d.contains(0.5), false);
  assert.match(d.explain(2) ?? '', /above the upper bound 1/);
});

test('MultiDiscrete and MultiBinary samples lie in their spaces', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }),
      fc.integer(),
      (nvec, seed) => {
        const md = new MultiDiscrete(nvec);
        const mb = new MultiBinary(nvec.length);
        assert.equal(md.explain(md.sample(seed)), undefined);
        assert.equal(mb.explain(mb.sample(seed)), undefined);
      },
    ),
  );
  assert.match(
    new MultiDiscrete([2, 3]).explain(Int32Array.of(1, 3)) ?? '',
    /value 3 at index 1 is above the upper bound 2/,
  );
});

test('Dict and Tuple samples lie in their spaces and name the failing part', () => {
  const space = new DictSpace({
    b: new Discrete(2),
    a: new TupleSpace([new Box({ low: 0, high: 1, shape: [2] }), new MultiBinary(3)]),
  });
  assert.deepEqual(space.keys, ['a', 'b']);
  const x = space.sample(5);
  assert.equal(space.explain(x), undefined);
  assert.match(space.explain({ ...x, b: 4 }) ?? '', /at key 'b': value 4 is above/);
  assert.match(space.explain({ b: 0 }) ?? '', /missing key 'a'/);
});

test('flatdim counts one-hot encodings for discrete spaces', () => {
  const space = new DictSpace({
    d: new Discrete(4),
    m: new MultiDiscrete([2, 3]),
    box: new Box({ low: 0, high: 1, shape: [2, 2] }),
  });
  assert.equal(flatdim(space), 4 + 5 + 4);
  assert.equal(flattenSpace(space).size, 13);
});

test('flatten encodes Discrete as one-hot and unflatten inverts it', () => {
  const d = new Discrete(4, 10);
  assert.deepEqual(Array.from(flatten(d, 12)), [0, 0, 1, 0]);
  assert.equal(unflatten(d, [0, 0, 1, 0]), 12);
});

test('unflatten inverts flatten for every sample of a nested space', () => {
  const spaces: Space<unknown>[] = [
    new Box({ low: -1, high: 1, shape: [3], dtype: 'float64' }),
    new TupleSpace([new Discrete(3), new MultiDiscrete([2, 5]), new MultiBinary(2)]),
    new DictSpace({ x: new Box({ low: -2, high: 2, shape: [2] }), y: new Discrete(2) }),
  ];
  fc.assert(
    fc.property(fc.integer(), (seed) => {
      for (const s of spaces) {
        const x = s.sample(seed);
        const flat = flatten(s, x, 'float64');
        assert.equal(flat.length, flatdim(s));
        assert.deepEqual(unflatten(s, flat), x);
      }
    }),
  );
});

test('spaces survive a JSON round trip, infinite bounds included', () => {
  const space = new DictSpace({
    b: new Box({ low: [-Infinity, 0], high: [Infinity, 1], dtype: 'float64' }),
    d: new Discrete(3, 1),
    t: new TupleSpace([new MultiDiscrete([2]), new MultiBinary(4)]),
  });
  const back = spaceFromJson(JSON.parse(JSON.stringify(space.toJson())));
  assert.equal(back.describe(), space.describe());
  assert.deepEqual(back.sample(3), space.sample(3));
});
