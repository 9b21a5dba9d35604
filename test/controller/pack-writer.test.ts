import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Encoder } from '@msgpack/msgpack';
import { PackWriter } from '../../controller/pack-writer.js';

const library = new Encoder({ ignoreUndefined: true });

const number = fc.oneof(
  fc.integer({ min: -40, max: 300 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    -0,
    0x7f,
    0x80,
    0xff,
    0x100,
    0xffff,
    0x10000,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 53 - 1,
    2 ** 53,
    -0x20,
    -0x21,
    -0x80,
    -0x81,
    -0x8000,
    -0x8001,
    -(2 ** 31),
    -(2 ** 31) - 1,
    -(2 ** 53) + 1,
    Infinity,
    -Infinity,
    NaN,
  ),
);
const text = fc.oneof(
  fc.constantFrom('', 'rateLimit', 'a'.repeat(31), 'b'.repeat(32), 'c'.repeat(300), '\ud800'),
  fc.string({ unit: 'binary' }),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    number,
    text,
    fc.boolean(),
    fc.constant(null),
    fc.dictionary(text, fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 20 }),
    fc.array(tie('value'), { maxLength: 3 }),
  ),
}));

test("the writer's bytes are the library encoder's for any JSON-like value", () => {
  const writer = new PackWriter();
  fc.assert(
    fc.property(value, (v) => {
      const ours = writer.reset().value(v).take();
      assert.deepEqual(new Uint8Array(ours), library.encode(v));
    }),
    { numRuns: 3000, seed: 9 },
  );
});

test('the writer grows past its initial buffer and starts afresh on reset', () => {
  const writer = new PackWriter();
  const big = { tenants: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`t${i}`, i])) };
  assert.deepEqual(new Uint8Array(writer.reset().value(big).take()), library.encode(big));
  assert.deepEqual(new Uint8Array(writer.reset().value(7).take()), library.encode(7));
});

test('values outside the JSON-like subset are written by the library itself', () => {
  const writer = new PackWriter();
  for (const v of [new Date(0), new Uint8Array([1, 2]), { at: new Date(5) }, 2n ** 70n]) {
    let expected: Uint8Array | Error;
    try {
      expected = library.encode(v);
    } catch (error) {
      expected = error as Error;
    }
    if (expected instanceof Error) assert.throws(() => writer.reset().value(v));
    else assert.deepEqual(new Uint8Array(writer.reset().value(v).take()), expected);
  }
});
