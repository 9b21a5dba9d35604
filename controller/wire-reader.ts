/**
 * MessagePack read straight from a body's bytes, for the fast paths (report-reader.ts):
 * one body at a time (`begin` … `end`, module state so that the readers are plain
 * functions), map keys matched as 32-bit words against key tables, names interned.
 *
 * Every reader throws the one preallocated `BAIL` on anything it does not read (a form
 * it leaves to the generic decoder, a value out of range, the end of the body): the fast
 * path then gives up and the generic path decides.
 */
import { LIMITS } from './protocol.js';

/** Thrown (one preallocated value) to abandon the fast path. */
export const BAIL = new Error('not a report the fast path reads');

/**
 * A key as it appears on the wire (fixstr header and ASCII bytes), also in big-endian
 * 32-bit words, so that a key costs a few word comparisons; the last word is compared
 * under `mask`, as it may reach past the key.
 */
export interface WireKey {
  readonly bytes: Uint8Array;
  readonly words: Uint32Array;
  readonly mask: number;
  readonly size: number;
}

/**
 * A key table. Senders write a map's keys in the same order every time, so `next[k]`
 * remembers the key that followed key `k` last time (`next[keys.length]`: the first key)
 * and is tried first. The guesses change only the speed, never the result.
 */
export interface KeyTable {
  readonly keys: readonly WireKey[];
  readonly next: Int32Array;
}

export function wireKey(key: string): WireKey {
  if (!/^[\x20-\x7e]{1,31}$/.test(key)) throw new Error(`key '${key}' is not a short ASCII name`);
  const bytes = Uint8Array.from([0xa0 + key.length, ...Array.from(key, (c) => c.charCodeAt(0))]);
  const words = new Uint32Array(Math.ceil(bytes.length / 4));
  const padded = new Uint8Array(words.length * 4);
  padded.set(bytes);
  const view = new DataView(padded.buffer);
  for (let i = 0; i < words.length; i++) words[i] = view.getUint32(4 * i);
  const rest = bytes.length % 4;
  return {
    bytes,
    words,
    mask: rest === 0 ? 0xffffffff : (0xffffffff << (8 * (4 - rest))) >>> 0,
    size: bytes.length,
  };
}

export function table(keys: readonly string[]): KeyTable {
  const next = Int32Array.from({ length: keys.length + 1 }, (_, i) => (i + 1) % keys.length);
  return { keys: keys.map(wireKey), next };
}

/** Each key's index in `keys`, by name. */
export function indexOf<K extends string>(keys: readonly K[]): Readonly<Record<K, number>> {
  return Object.fromEntries(keys.map((k, i) => [k, i])) as Record<K, number>;
}

// The body being read: module state, so that readers are plain functions.
const EMPTY = new Uint8Array(0);
let bytes: Uint8Array = EMPTY;
let view = new DataView(bytes.buffer);
let pos = 0;

/** Starts reading `body`. */
export function begin(body: Uint8Array): void {
  bytes = body;
  view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  pos = 0;
}

/** Whether the whole body has been read. */
export function atEnd(): boolean {
  return pos === bytes.length;
}

/** Stops reading (not to keep the body alive). */
export function end(): void {
  bytes = EMPTY;
}

export function need(n: number): void {
  if (pos + n > bytes.length) throw BAIL;
}

/** Marks key index `k` seen; a duplicate key abandons the fast path. */
export function once(seen: number, k: number): number {
  const bit = 1 << k;
  if ((seen & bit) !== 0) throw BAIL;
  return seen | bit;
}

export function mapSize(): number {
  need(1);
  const b = bytes[pos++]!;
  if (b >= 0x80 && b <= 0x8f) return b & 0x0f;
  if (b === 0xde) {
    need(2);
    pos += 2;
    return view.getUint16(pos - 2);
  }
  throw BAIL;
}

export function arraySize(): number {
  need(1);
  const b = bytes[pos++]!;
  if (b >= 0x90 && b <= 0x9f) return b & 0x0f;
  if (b === 0xdc) {
    need(2);
    pos += 2;
    return view.getUint16(pos - 2);
  }
  throw BAIL;
}

/** Length of a bin header (bin8, bin16, bin32); its bytes follow, unread. */
export function binLength(): number {
  need(1);
  const b = bytes[pos++]!;
  let len: number;
  if (b === 0xc4) {
    need(1);
    len = bytes[pos++]!;
  } else if (b === 0xc5) {
    need(2);
    pos += 2;
    len = view.getUint16(pos - 2);
  } else if (b === 0xc6) {
    need(4);
    pos += 4;
    len = view.getUint32(pos - 4);
  } else throw BAIL;
  need(len);
  return len;
}

/** The next byte, not read (what kind of value comes next). */
export function peek(): number {
  need(1);
  return bytes[pos]!;
}

/** Where reading is in the body. */
export function here(): number {
  return pos;
}

/** Moves past `n` bytes. */
export function skip(n: number): void {
  need(n);
  pos += n;
}

/** The little-endian float 64 at `at` in the body (a packed report's numbers). */
export function float64At(at: number): number {
  return view.getFloat64(at, true);
}

/** Whether this machine stores a float 64 little-endian, as the protocol sends it. */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/**
 * The `count` little-endian float 64s at `at` in the body into `out` (from index 0): one
 * byte copy where the machine is little-endian, instead of a read per number (a packed
 * report holds 208 of them).
 */
export function copyFloat64s(at: number, count: number, out: Float64Array): void {
  if (at + 8 * count > bytes.length || count > out.length) throw BAIL;
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer, out.byteOffset, 8 * count).set(bytes.subarray(at, at + 8 * count));
  } else for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, true);
}

/** Length of a string header (fixstr, str8, str16). */
export function stringLength(): number {
  need(1);
  const b = bytes[pos++]!;
  if (b >= 0xa0 && b <= 0xbf) return b & 0x1f;
  if (b === 0xd9) {
    need(1);
    return bytes[pos++]!;
  }
  if (b === 0xda) {
    need(2);
    pos += 2;
    return view.getUint16(pos - 2);
  }
  throw BAIL;
}

/**
 * The index in `keyTable` of the next key, trying first the key that followed `previous`
 * last time; an unknown key (or one not written as a fixstr) abandons.
 */
export function key(keyTable: KeyTable, previous: number): number {
  const keys = keyTable.keys;
  const guess = keyTable.next[previous]!;
  if (isAt(keys[guess]!)) return guess;
  for (let k = 0; k < keys.length; k++) {
    if (isAt(keys[k]!)) {
      keyTable.next[previous] = k;
      return k;
    }
  }
  throw BAIL;
}

/** Whether `want` is the string at `pos`; if so, moves past it. */
export function isAt(want: WireKey): boolean {
  const words = want.words;
  const last = words.length - 1;
  if (pos + 4 * words.length > bytes.length) return isAtEnd(want);
  for (let i = 0; i < last; i++) if (view.getUint32(pos + 4 * i) !== words[i]) return false;
  if ((view.getUint32(pos + 4 * last) & want.mask) >>> 0 !== words[last]) return false;
  pos += want.size;
  return true;
}

/** `isAt` near the end of the body, where a word would reach past it. */
function isAtEnd(want: WireKey): boolean {
  if (!bytesAre(want.bytes, want.size)) return false;
  pos += want.size;
  return true;
}

/** Whether the `len` bytes at `pos` are `want`. */
function bytesAre(want: Uint8Array, len: number): boolean {
  if (want.length !== len || pos + len > bytes.length) return false;
  for (let j = 0; j < len; j++) if (bytes[pos + j] !== want[j]) return false;
  return true;
}

/**
 * Names read lately, by a hash of their bytes: the same tenant and service names come in
 * every report, and handing out one string per name saves making it and, later, hashing
 * it again for every map and property lookup by that name.
 */
const NAME_SLOTS = 256;
const nameBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(NAME_SLOTS);
const nameStrings: string[] = new Array<string>(NAME_SLOTS).fill('');

/** A name (docs/protocol.md): 1..128 printable ASCII characters here, not `__proto__`. */
export function nameString(): string {
  const len = stringLength();
  if (len === 0 || len > LIMITS.nameLength) throw BAIL;
  need(len);
  let hash = len;
  for (let j = 0; j < len; j++) {
    const c = bytes[pos + j]!;
    if (c < 0x20 || c >= 0x7f) throw BAIL;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  const slot = (hash ^ (hash >>> 16)) & (NAME_SLOTS - 1);
  const known = nameBytes[slot];
  if (known !== undefined && bytesAre(known, len)) {
    pos += len;
    return nameStrings[slot]!;
  }
  let s = '';
  for (let j = 0; j < len; j++) s += String.fromCharCode(bytes[pos + j]!);
  if (s === '__proto__') throw BAIL;
  nameBytes[slot] = bytes.slice(pos, pos + len);
  nameStrings[slot] = s;
  pos += len;
  return s;
}

export function nil(): boolean {
  need(1);
  if (bytes[pos] !== 0xc0) return false;
  pos++;
  return true;
}

export function bool(): boolean {
  need(1);
  const b = bytes[pos++]!;
  if (b === 0xc2) return false;
  if (b === 0xc3) return true;
  throw BAIL;
}

/** Any number but a 64-bit integer (which the generic path reads with its own rules). */
export function num(): number {
  need(1);
  const b = bytes[pos++]!;
  if (b <= 0x7f) return b;
  if (b >= 0xe0) return b - 0x100;
  switch (b) {
    case 0xcb:
      need(8);
      pos += 8;
      return view.getFloat64(pos - 8);
    case 0xca:
      need(4);
      pos += 4;
      return view.getFloat32(pos - 4);
    case 0xcc:
      need(1);
      return bytes[pos++]!;
    case 0xcd:
      need(2);
      pos += 2;
      return view.getUint16(pos - 2);
    case 0xce:
      need(4);
      pos += 4;
      return view.getUint32(pos - 4);
    case 0xd0:
      need(1);
      pos += 1;
      return view.getInt8(pos - 1);
    case 0xd1:
      need(2);
      pos += 2;
      return view.getInt16(pos - 2);
    case 0xd2:
      need(4);
      pos += 4;
      return view.getInt32(pos - 4);
  }
  throw BAIL;
}

/** A finite number >= 0. */
export function nonNegative(): number {
  const x = num();
  if (!(x >= 0 && x < Infinity)) throw BAIL;
  return x;
}

/** A (safe) integer >= min. */
export function int(min: number): number {
  const x = num();
  if (!Number.isSafeInteger(x) || x < min) throw BAIL;
  return x;
}
