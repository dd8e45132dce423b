/**
 * The growing byte writer used by the encoders, with zero-copy references for large arrays.
 *
 * @module
 */

import { uuidFromString } from "./uuid.ts";

const utf8Encoder = new TextEncoder();

/** Byte length of `s` encoded as UTF-8. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2;
        i++;
      } else n += 2;
    } else n += 2;
  }
  return n;
}

/** Byte arrays at least this long are referenced, not copied, by {@link Writer.bytesRef}. */
export const ZERO_COPY_THRESHOLD = 512;

/**
 * An append-only byte writer with a growing buffer. {@link Writer.bytesRef} appends large
 * arrays by reference, so {@link Writer.chunks} can feed a vectored write without copying
 * record batches; {@link Writer.finish} concatenates into one array.
 */
export class Writer {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;
  #chunkStart = 0;
  #sealed: Uint8Array[] = [];
  #sealedLength = 0;

  /** Creates a writer with `initialSize` bytes of capacity. */
  constructor(initialSize = 256) {
    this.#buf = new Uint8Array(initialSize);
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.#sealedLength + this.#pos - this.#chunkStart;
  }

  #room(n: number): number {
    const at = this.#pos;
    if (at + n > this.#buf.length) {
      const live = at - this.#chunkStart;
      const next = new Uint8Array(Math.max(256, (live + n) * 2));
      next.set(this.#buf.subarray(this.#chunkStart, at));
      this.#buf = next;
      this.#view = new DataView(next.buffer);
      this.#chunkStart = 0;
      this.#pos = live + n;
      return live;
    }
    this.#pos = at + n;
    return at;
  }

  /** Writes an int8. */
  int8(v: number): void {
    const at = this.#room(1);
    this.#view.setInt8(at, v);
  }
  /** Writes an int16. */
  int16(v: number): void {
    const at = this.#room(2);
    this.#view.setInt16(at, v);
  }
  /** Writes a uint16. */
  uint16(v: number): void {
    const at = this.#room(2);
    this.#view.setUint16(at, v);
  }
  /** Writes an int32. */
  int32(v: number): void {
    const at = this.#room(4);
    this.#view.setInt32(at, v);
  }
  /** Writes an int64. */
  int64(v: bigint): void {
    const at = this.#room(8);
    this.#view.setBigInt64(at, v);
  }
  /** Writes a float64. */
  float64(v: number): void {
    const at = this.#room(8);
    this.#view.setFloat64(at, v);
  }
  /** Writes a bool as one byte. */
  bool(v: boolean): void {
    const at = this.#room(1);
    this.#buf[at] = v ? 1 : 0;
  }
  /** Writes a UUID given in Kafka's string form. */
  uuid(v: string): void {
    this.raw(uuidFromString(v));
  }

  /** Writes an unsigned varint (0 ≤ v < 2^32). */
  uvarint(v: number): void {
    if (!(v >= 0 && v <= 0xffffffff)) throw new RangeError(`uvarint out of range: ${v}`);
    while (v >= 0x80) {
      const at = this.#room(1);
      this.#buf[at] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    const at = this.#room(1);
    this.#buf[at] = v;
  }

  /** Writes an array length (`null` → −1 / 0). */
  arrayLength(n: number | null, compact: boolean): void {
    if (compact) this.uvarint(n === null ? 0 : n + 1);
    else this.int32(n === null ? -1 : n);
  }

  /** Writes a (nullable) string with an int16 or compact length. */
  string(v: string | null, compact: boolean): void {
    if (v === null) {
      if (compact) this.uvarint(0);
      else this.int16(-1);
      return;
    }
    const n = utf8Length(v);
    if (compact) this.uvarint(n + 1);
    else {
      if (n > 0x7fff) throw new RangeError(`string of ${n} bytes exceeds int16 length`);
      this.int16(n);
    }
    const at = this.#room(n);
    if (n === v.length) {
      const b = this.#buf;
      for (let i = 0; i < n; i++) b[at + i] = v.charCodeAt(i);
    } else utf8Encoder.encodeInto(v, this.#buf.subarray(at, at + n));
  }

  /** Writes (nullable) bytes with an int32 or compact length; large ones by reference. */
  bytes(v: Uint8Array | null, compact: boolean): void {
    if (v === null) {
      this.arrayLength(null, compact);
      return;
    }
    this.arrayLength(v.length, compact);
    this.bytesRef(v);
  }

  /** Appends raw bytes, copying them. */
  raw(v: Uint8Array): void {
    const at = this.#room(v.length);
    this.#buf.set(v, at);
  }

  /** Appends raw bytes; arrays of {@link ZERO_COPY_THRESHOLD} bytes or more are referenced. */
  bytesRef(v: Uint8Array): void {
    if (v.length < ZERO_COPY_THRESHOLD) return this.raw(v);
    this.#seal();
    this.#sealed.push(v);
    this.#sealedLength += v.length;
  }

  #seal(): void {
    if (this.#pos > this.#chunkStart) {
      const chunk = this.#buf.subarray(this.#chunkStart, this.#pos);
      this.#sealed.push(chunk);
      this.#sealedLength += chunk.length;
      this.#chunkStart = this.#pos;
    }
  }

  /** The written bytes as a list of chunks (referenced arrays are not copied). */
  chunks(): Uint8Array[] {
    this.#seal();
    return this.#sealed.slice();
  }

  /** The written bytes as one array. */
  finish(): Uint8Array {
    const chunks = this.chunks();
    if (chunks.length === 1) return chunks[0];
    return concatChunks(chunks);
  }
}

/** Concatenates chunks into one new array. */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
