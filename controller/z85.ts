/**
 * Z85 (ZeroMQ RFC 32): the printable encoding of CURVE keys. 4 bytes ↔ 5 characters.
 * Needed to compare the raw 32-byte public keys a ZAP request carries with the
 * allowlist's Z85 text.
 */
import { ProtocolError } from '../sim-cluster/errors.js';

const ALPHABET =
  '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

const DECODE = new Map([...ALPHABET].map((c, i) => [c, i]));

/** Encodes bytes whose length is a multiple of 4. */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0)
    throw new ProtocolError(`z85 input length must be a multiple of 4, got ${bytes.length}`);
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let value =
      ((bytes[i]! << 24) >>> 0) + (bytes[i + 1]! << 16) + (bytes[i + 2]! << 8) + bytes[i + 3]!;
    let chunk = '';
    for (let j = 0; j < 5; j++) {
      chunk = ALPHABET[value % 85]! + chunk;
      value = Math.floor(value / 85);
    }
    out += chunk;
  }
  return out;
}

/** Decodes a Z85 string whose length is a multiple of 5. */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0)
    throw new ProtocolError(`z85 text length must be a multiple of 5, got ${text.length}`);
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0; i < text.length; i += 5) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const d = DECODE.get(text[i + j]!);
      if (d === undefined) throw new ProtocolError(`invalid z85 character '${text[i + j]}'`);
      value = value * 85 + d;
    }
    if (value > 0xffffffff) throw new ProtocolError('z85 group out of range');
    const o = (i / 5) * 4;
    out[o] = value >>> 24;
    out[o + 1] = (value >>> 16) & 0xff;
    out[o + 2] = (value >>> 8) & 0xff;
    out[o + 3] = value & 0xff;
  }
  return out;
}

/** Whether `text` is a 40-character Z85 CURVE key. */
export function isZ85Key(text: string): boolean {
  if (text.length !== 40) return false;
  try {
    z85Decode(text);
    return true;
  } catch {
    return false;
  }
}
