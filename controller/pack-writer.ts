/**
 * A MessagePack writer for the daemon's hot path (a round encodes 1,000 decisions).
 *
 * It writes the bytes `@msgpack/msgpack`'s `Encoder({ ignoreUndefined: true })` writes for
 * the same value (codec.ts's encoder): integers in their smallest form, other numbers as
 * float 64, maps in `Object.keys` order without undefined entries. What it gains: one
 * buffer reused for every message, and each string encoded once and then copied (the same
 * tenant, service and knob names fill every decision). A value outside the JSON-like
 * subset (bigint, typed array, Date…) is handed to the library encoder itself.
 */
import { Encoder } from '@msgpack/msgpack';

/** Strings kept encoded; past this many the cache starts afresh (names are few). */
const MAX_CACHED_STRINGS = 4096;
/** The library's limit on nesting, kept so that the same values fail. */
const MAX_DEPTH = 100;

export class PackWriter {
  private bytes = new Uint8Array(1 << 14);
  private view = new DataView(this.bytes.buffer);
  /** Bytes written since the last `reset`. */
  private pos = 0;
  private readonly strings = new Map<string, Uint8Array>();
  private readonly library = new Encoder({ ignoreUndefined: true });

  /** Starts a new message. */
  reset(): this {
    this.pos = 0;
    return this;
  }

  /** The message written since `reset`, in a Buffer of its own (ZeroMQ keeps it). */
  take(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.pos));
  }

  /** Appends bytes already encoded. */
  raw(encoded: Uint8Array): this {
    this.ensure(encoded.length);
    this.bytes.set(encoded, this.pos);
    this.pos += encoded.length;
    return this;
  }

  /** The header of a map of `size` entries (its keys and values follow). */
  mapHeader(size: number): this {
    this.ensure(5);
    if (size < 16) this.bytes[this.pos++] = 0x80 + size;
    else if (size < 0x10000) {
      this.bytes[this.pos] = 0xde;
      this.view.setUint16(this.pos + 1, size);
      this.pos += 3;
    } else {
      this.bytes[this.pos] = 0xdf;
      this.view.setUint32(this.pos + 1, size);
      this.pos += 5;
    }
    return this;
  }

  string(s: string): this {
    let encoded = this.strings.get(s);
    if (encoded === undefined) {
      if (this.strings.size >= MAX_CACHED_STRINGS) this.strings.clear();
      encoded = this.library.encode(s);
      this.strings.set(s, encoded);
    }
    return this.raw(encoded);
  }

  number(x: number): this {
    this.ensure(9);
    const b = this.bytes;
    let p = this.pos;
    if (Number.isSafeInteger(x)) {
      if (x >= 0) {
        if (x < 0x80) b[p++] = x;
        else if (x < 0x100) {
          b[p++] = 0xcc;
          b[p++] = x;
        } else if (x < 0x10000) {
          b[p++] = 0xcd;
          this.view.setUint16(p, x);
          p += 2;
        } else if (x < 0x100000000) {
          b[p++] = 0xce;
          this.view.setUint32(p, x);
          p += 4;
        } else {
          b[p++] = 0xcf;
          this.view.setBigUint64(p, BigInt(x));
          p += 8;
        }
      } else if (x >= -0x20) b[p++] = 0xe0 | (x + 0x20);
      else if (x >= -0x80) {
        b[p++] = 0xd0;
        this.view.setInt8(p++, x);
      } else if (x >= -0x8000) {
        b[p++] = 0xd1;
        this.view.setInt16(p, x);
        p += 2;
      } else if (x >= -0x80000000) {
        b[p++] = 0xd2;
        this.view.setInt32(p, x);
        p += 4;
      } else {
        b[p++] = 0xd3;
        this.view.setBigInt64(p, BigInt(x));
        p += 8;
      }
    } else {
      b[p++] = 0xcb;
      this.view.setFloat64(p, x);
      p += 8;
    }
    this.pos = p;
    return this;
  }

  /** Any value, as the library encoder would write it. */
  value(v: unknown, depth = 1): this {
    if (depth > MAX_DEPTH) throw new Error(`Too deep objects in depth ${depth}`);
    if (v === null || v === undefined) {
      this.ensure(1);
      this.bytes[this.pos++] = 0xc0;
      return this;
    }
    switch (typeof v) {
      case 'number':
        return this.number(v);
      case 'string':
        return this.string(v);
      case 'boolean':
        this.ensure(1);
        this.bytes[this.pos++] = v ? 0xc3 : 0xc2;
        return this;
      case 'object':
        if (Object.getPrototypeOf(v) === Object.prototype) return this.map(v, depth);
    }
    return this.raw(this.library.encode(v));
  }

  /**
   * A plain object (its prototype Object.prototype) as a map: its keys in `Object.keys`
   * order, undefined entries left out. `for…in` walks the same keys here without making
   * an array of them per object.
   */
  private map(o: object, depth: number): this {
    const entries = o as Record<string, unknown>;
    let size = 0;
    for (const k in entries) if (entries[k] !== undefined) size++;
    this.mapHeader(size);
    for (const k in entries) {
      const v = entries[k];
      if (v === undefined) continue;
      this.string(k);
      this.value(v, depth + 1);
    }
    return this;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + n));
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
}
