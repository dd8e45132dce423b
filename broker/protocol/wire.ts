/**
 * Byte-level runtime for the Kafka wire protocol: a bounds-checked {@link Reader}, a growing
 * {@link Writer} that can emit zero-copy chunk lists, and the typed {@link ProtocolError}.
 *
 * All integers are big-endian. Lengths of compact (flexible-version) strings, bytes and arrays
 * are unsigned varints holding `N + 1` (0 = null); classic ones are int16 (strings) or int32
 * (bytes, arrays) with −1 = null.
 *
 * @module
 */

import { uuidToString } from "./uuid.ts";

export { uuidFromString, uuidToString, ZERO_UUID_STRING } from "./uuid.ts";
export { concatChunks, utf8Length, Writer, ZERO_COPY_THRESHOLD } from "./writer.ts";

/** Why a frame could not be decoded. */
export type ProtocolErrorCode =
  | "truncated"
  | "negative_length"
  | "bad_varint"
  | "unsupported_version"
  | "unexpected_null"
  | "invalid_utf8"
  | "trailing_bytes";

/**
 * A corrupt or unsupported frame: the only exception the decoders throw on bad input.
 *
 * @example
 * ```ts
 * import { ProtocolError, Reader } from "./wire.ts";
 * try {
 *   new Reader(new Uint8Array([0])).int32();
 * } catch (e) {
 *   if (e instanceof ProtocolError) console.log(e.code); // "truncated"
 * }
 * ```
 */
export class ProtocolError extends Error {
  /** Machine-readable reason. */
  readonly code: ProtocolErrorCode;
  /** Byte offset in the input where decoding failed, when known. */
  readonly offset: number;

  /** Creates an error for `code` at byte `offset`. */
  constructor(code: ProtocolErrorCode, message: string, offset = -1) {
    super(message);
    this.name = "ProtocolError";
    this.code = code;
    this.offset = offset;
  }
}

const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/** A cursor over a byte array; every read checks bounds and throws {@link ProtocolError}. */
export class Reader {
  /** Current read position. */
  pos: number;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #end: number;

  /** Reads `bytes[start, end)`. */
  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.#end = end;
  }

  /** Bytes left before the end. */
  get remaining(): number {
    return this.#end - this.pos;
  }

  #need(n: number): number {
    const at = this.pos;
    if (n > this.#end - at) {
      throw new ProtocolError(
        "truncated",
        `need ${n} bytes at offset ${at}, have ${this.#end - at}`,
        at,
      );
    }
    this.pos = at + n;
    return at;
  }

  /** Reads an int8. */
  int8(): number {
    return this.#view.getInt8(this.#need(1));
  }
  /** Reads an int16. */
  int16(): number {
    return this.#view.getInt16(this.#need(2));
  }
  /** Reads a uint16. */
  uint16(): number {
    return this.#view.getUint16(this.#need(2));
  }
  /** Reads an int32. */
  int32(): number {
    return this.#view.getInt32(this.#need(4));
  }
  /** Reads an int64. */
  int64(): bigint {
    return this.#view.getBigInt64(this.#need(8));
  }
  /** Reads a float64. */
  float64(): number {
    return this.#view.getFloat64(this.#need(8));
  }
  /** Reads a bool (any non-zero byte is true). */
  bool(): boolean {
    return this.#bytes[this.#need(1)] !== 0;
  }
  /** Reads 16 UUID bytes, returned in Kafka's string form. */
  uuid(): string {
    const at = this.#need(16);
    return uuidToString(this.#bytes.subarray(at, at + 16));
  }

  /** Reads an unsigned varint of at most 32 bits. */
  uvarint(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.#bytes[this.#need(1)];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) break;
        return result;
      }
    }
    throw new ProtocolError("bad_varint", `unsigned varint too long at ${this.pos}`, this.pos);
  }

  /** Reads a length: int16/int32 classic, or compact uvarint N+1; −1 means null. */
  #length(compact: boolean, wide: boolean): number {
    const at = this.pos;
    const n = compact ? this.uvarint() - 1 : wide ? this.int32() : this.int16();
    if (n < -1) throw new ProtocolError("negative_length", `length ${n} at offset ${at}`, at);
    return n;
  }

  /** Reads an array length (−1 = null); checks it is plausible for the bytes left. */
  arrayLength(compact: boolean): number {
    const at = this.pos;
    const n = this.#length(compact, true);
    if (n > this.remaining) {
      throw new ProtocolError("truncated", `array of ${n} elements at ${at} exceeds input`, at);
    }
    return n;
  }

  /** Reads a (nullable) string; `null` only if the length says so. */
  string(compact: boolean): string | null {
    const n = this.#length(compact, false);
    if (n < 0) return null;
    const at = this.#need(n);
    const b = this.#bytes;
    let ascii = "";
    for (let i = at; i < at + n; i++) {
      const c = b[i];
      if (c >= 0x80) return this.#utf8(at, n);
      ascii += String.fromCharCode(c);
    }
    return ascii;
  }

  #utf8(at: number, n: number): string {
    try {
      return utf8Decoder.decode(this.#bytes.subarray(at, at + n));
    } catch {
      throw new ProtocolError("invalid_utf8", `invalid UTF-8 string at offset ${at}`, at);
    }
  }

  /** Reads (nullable) bytes as a zero-copy view into the input. */
  bytes(compact: boolean): Uint8Array | null {
    const n = this.#length(compact, true);
    if (n < 0) return null;
    const at = this.#need(n);
    return this.#bytes.subarray(at, at + n);
  }

  /** Returns a reader over the next `n` bytes and skips them here. */
  sub(n: number): Reader {
    const at = this.#need(n);
    return new Reader(this.#bytes, at, at + n);
  }

  /** Skips `n` bytes. */
  skip(n: number): void {
    this.#need(n);
  }

  /** Throws `trailing_bytes` unless the input is fully consumed. */
  expectEnd(what: string): void {
    if (this.pos !== this.#end) {
      throw new ProtocolError(
        "trailing_bytes",
        `${this.#end - this.pos} unread bytes after ${what}`,
        this.pos,
      );
    }
  }
}
