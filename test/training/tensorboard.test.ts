import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TensorBoardWriter,
  crc32c,
  maskedCrc32c,
  scalarEvent,
  tfRecord,
} from '../../training/tensorboard.js';

const ascii = (s: string) => new TextEncoder().encode(s);

test('CRC-32C matches the published check values', () => {
  // The CRC catalogue's check value for CRC-32C, and RFC 3720 B.4's 32 zero bytes.
  assert.equal(crc32c(ascii('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
});

test('the masked CRC is the rotation plus the TFRecord constant', () => {
  const crc = 0xe3069283;
  const rotated = ((crc >>> 15) | (crc << 17)) >>> 0;
  assert.equal(maskedCrc32c(ascii('123456789')), (rotated + 0xa282ead8) >>> 0);
});

test('a scalar event is the protobuf TensorBoard expects, byte for byte', () => {
  // Event{wall_time: 1.5, step: 300, summary{value{tag: "a/b", simple_value: 0.25}}},
  // encoded by hand from event.proto and summary.proto.
  const expected = [
    ...[0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f], // field 1, fixed64: 1.5
    ...[0x10, 0xac, 0x02], // field 2, varint: 300
    ...[0x2a, 0x0c], // field 5, 12 bytes: Summary
    ...[0x0a, 0x0a], // Summary field 1, 10 bytes: Value
    ...[0x0a, 0x03, 0x61, 0x2f, 0x62], // Value field 1: tag "a/b"
    ...[0x15, 0, 0, 0x80, 0x3e], // Value field 2, fixed32: 0.25
  ];
  assert.deepEqual([...scalarEvent(1.5, 300, 'a/b', 0.25)], expected);
});

/** Reads TFRecords back, checking both CRCs of each. */
function readRecords(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const length = Number(view.getBigUint64(at, true));
    assert.equal(view.getUint32(at + 8, true), maskedCrc32c(bytes.subarray(at, at + 8)));
    const data = bytes.subarray(at + 12, at + 12 + length);
    assert.equal(view.getUint32(at + 12 + length, true), maskedCrc32c(data));
    records.push(data);
    at += 16 + length;
  }
  return records;
}

/** Decodes the scalar of an Event written by scalarEvent (varints, fixed64/32, nested). */
function decodeScalar(event: Uint8Array): {
  wallTime: number;
  step: number;
  tag: string;
  value: number;
} {
  const view = new DataView(event.buffer, event.byteOffset, event.byteLength);
  const out = { wallTime: NaN, step: NaN, tag: '', value: NaN };
  const varint = (at: number): [number, number] => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = event[at++]!;
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return [v, at];
    }
  };
  const walk = (start: number, end: number, depth: number) => {
    let at = start;
    while (at < end) {
      const [key, next] = varint(at);
      at = next;
      const field = key >> 3;
      const wire = key & 7;
      if (wire === 0) {
        const [v, n] = varint(at);
        at = n;
        if (depth === 0 && field === 2) out.step = v;
      } else if (wire === 1) {
        if (depth === 0 && field === 1) out.wallTime = view.getFloat64(at, true);
        at += 8;
      } else if (wire === 5) {
        if (depth === 2 && field === 2) out.value = view.getFloat32(at, true);
        at += 4;
      } else if (wire === 2) {
        const [length, n] = varint(at);
        at = n;
        if (depth === 2 && field === 1)
          out.tag = new TextDecoder().decode(event.subarray(at, at + length));
        else if (field === 5 || field === 1) walk(at, at + length, depth + 1);
        at += length;
      }
    }
  };
  walk(0, event.length, 0);
  return out;
}

test('the writer’s file decodes back to its scalars, CRCs included', () => {
  const dir = mkdtempSync(join(tmpdir(), 'governor-tb-'));
  let now = 1000;
  const writer = new TensorBoardWriter(dir, () => now++);
  writer.scalar('losses/value_loss', 128, 0.5);
  writer.scalar('eval/mean_score', 256, 0.875);
  writer.close();
  const files = readdirSync(dir);
  assert.deepEqual(files.length, 1);
  assert.match(files[0]!, /^events\.out\.tfevents\.1000\./);
  const records = readRecords(readFileSync(join(dir, files[0]!)));
  assert.equal(records.length, 3);
  assert.ok(new TextDecoder().decode(records[0]).includes('brain.Event:2'));
  assert.deepEqual(records.slice(1).map(decodeScalar), [
    { wallTime: 1002, step: 128, tag: 'losses/value_loss', value: 0.5 },
    { wallTime: 1003, step: 256, tag: 'eval/mean_score', value: 0.875 },
  ]);
});

test('a record frames its data with its length', () => {
  const r = tfRecord(ascii('xy'));
  assert.equal(r.length, 18);
  assert.deepEqual([...r.subarray(0, 8)], [2, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...r.subarray(12, 14)], [0x78, 0x79]);
});
