/**
 * Zigzag-signed varints as used inside Kafka records (protobuf sint32/sint64 style). Values are
 * JS numbers; 64-bit values are exact within ±2^52 (timestamps and deltas fit easily).
 *
 * @module
 */
import { CorruptBatchError } from "./errors.ts";

/** A cursor over bytes for the record decoder. */
export interface Cursor {
  /** The bytes being read. */
  bytes: Uint8Array;
  /** Next position to read. */
  pos: number;
  /** Exclusive end of the readable region. */
  end: number;
}

/** Reads one zigzag varint (up to 10 bytes) at `cur.pos` and advances. */
export function readVarint(cur: Cursor): number {
  let raw = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (cur.pos >= cur.end) throw new CorruptBatchError("bad-record", "varint runs past the end");
    const b = cur.bytes[cur.pos++];
    raw += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    mul *= 128;
  }
  throw new CorruptBatchError("bad-record", "varint longer than 10 bytes");
}

/** Number of bytes {@linkcode writeVarint} uses for `value`. */
export function varintSize(value: number): number {
  let raw = zigzag(value);
  let n = 1;
  while (raw >= 128) {
    raw = Math.floor(raw / 128);
    n++;
  }
  return n;
}

/** Writes `value` zigzag-encoded at `pos` in `out`; returns the position after it. */
export function writeVarint(out: Uint8Array, pos: number, value: number): number {
  let raw = zigzag(value);
  while (raw >= 128) {
    out[pos++] = (raw % 128) | 0x80;
    raw = Math.floor(raw / 128);
  }
  out[pos++] = raw;
  return pos;
}

function zigzag(value: number): number {
  if (!Number.isInteger(value) || Math.abs(value) > 2 ** 52) {
    throw new RangeError(`Varint value ${value} is not an integer within ±2^52`);
  }
  return value >= 0 ? value * 2 : -value * 2 - 1;
}
