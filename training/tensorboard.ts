/**
 * A TensorBoard event file writer for scalars, with no TensorFlow: the file is a
 * sequence of TFRecords (tensorflow/core/lib/io/record_writer.cc)
 *
 * ```
 * uint64 length (little-endian) | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)
 * ```
 *
 * whose data are `tensorflow.Event` protos (tensorflow/core/util/event.proto): the first
 * holds `file_version: "brain.Event:2"`, the others one scalar summary each
 * (`summary.value[0] = {tag, simple_value}`). The CRC is CRC-32C (Castagnoli),
 * masked as `((crc >>> 15) | (crc << 17)) + 0xa282ead8`.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** CRC-32C lookup table (reflected polynomial 0x82f63b78). */
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C of `bytes` (RFC 3720, appendix B.4). */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = CRC32C_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC, so a CRC stored in data does not look like a CRC of it. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** One TFRecord framing `data`. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** A minimal protobuf writer: varints, fixed64 doubles, fixed32 floats, length-delimited. */
class ProtoWriter {
  private readonly bytes: number[] = [];

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  private key(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  int64(field: number, value: number): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  double(field: number, value: number): this {
    this.key(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.bytes.push(...b);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.bytes.push(...b);
    return this;
  }

  bytesField(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    this.bytes.push(...value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Event { wall_time = 1 (double); step = 2 (int64); file_version = 3 | summary = 5 }. */
export function fileVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter().double(1, wallTime).int64(2, 0).string(3, 'brain.Event:2').finish();
}

/** An Event holding Summary { value = 1: Value { tag = 1; simple_value = 2 (float) } }. */
export function scalarEvent(
  wallTime: number,
  step: number,
  tag: string,
  value: number,
): Uint8Array {
  const summaryValue = new ProtoWriter().string(1, tag).float(2, value).finish();
  const summary = new ProtoWriter().bytesField(1, summaryValue).finish();
  return new ProtoWriter().double(1, wallTime).int64(2, step).bytesField(5, summary).finish();
}

/**
 * Appends scalar events to `DIR/events.out.tfevents.<seconds>.<host>`; each event is
 * written with one `write` call, so a killed run leaves at most one partial record,
 * which TensorBoard's reader skips (its CRC fails).
 */
export class TensorBoardWriter {
  readonly path: string;
  private fd: number | null;

  /** `wallTime` reads seconds since the epoch (the caller's clock). */
  constructor(
    dir: string,
    private readonly wallTime: () => number,
  ) {
    this.path = join(dir, `events.out.tfevents.${Math.floor(wallTime())}.${hostname()}`);
    this.fd = openSync(this.path, 'a');
    writeSync(this.fd, tfRecord(fileVersionEvent(wallTime())));
  }

  scalar(tag: string, step: number, value: number): void {
    if (this.fd === null) return;
    writeSync(this.fd, tfRecord(scalarEvent(this.wallTime(), step, tag, value)));
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
