/**
 * Helpers shared by the generated codecs: arrays, tagged fields and null/version checks.
 *
 * @module
 */

import { ProtocolError, type Reader, Writer } from "./wire.ts";

/** Reads a (nullable) array whose elements are read by `read`. */
export function readArray<T>(r: Reader, compact: boolean, read: (r: Reader) => T): T[] | null {
  const n = r.arrayLength(compact);
  if (n < 0) return null;
  const out: T[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = read(r);
  return out;
}

/** Writes a (nullable) array whose elements are written by `write`. */
export function writeArray<T>(
  w: Writer,
  v: readonly T[] | null,
  compact: boolean,
  write: (w: Writer, e: T) => void,
): void {
  if (v === null) return w.arrayLength(null, compact);
  w.arrayLength(v.length, compact);
  for (const e of v) write(w, e);
}

/** Writes one tagged field: tag, byte size, then what `write` produces. */
export function writeTagged(w: Writer, tag: number, write: (w: Writer) => void): void {
  const inner = new Writer(64);
  write(inner);
  const bytes = inner.finish();
  w.uvarint(tag);
  w.uvarint(bytes.length);
  w.raw(bytes);
}

/** Skips a tagged-field section (for structs that define no tagged fields). */
export function skipTaggedFields(r: Reader): void {
  for (let n = r.uvarint(); n > 0; n--) {
    r.uvarint();
    r.skip(r.uvarint());
  }
}

/** Throws `unexpected_null` for a null read where this version does not allow null. */
export function nullNotAllowed(field: string, version: number): never {
  throw new ProtocolError("unexpected_null", `${field} is null, not allowed in version ${version}`);
}

/** Returns `v`, or throws `unexpected_null` if it is null and `allowed` is false. */
export function checkNull<T>(
  v: T | null,
  allowed: boolean,
  field: string,
  version: number,
): T | null {
  if (v === null && !allowed) nullNotAllowed(field, version);
  return v;
}

/** Encoding a null where the version forbids it: a caller bug, so `TypeError`. */
export function nullField(field: string, version: number): never {
  throw new TypeError(`${field} may not be null in version ${version}`);
}

/** Encoding a non-default, non-ignorable field into a version that lacks it: `RangeError`. */
export function unsupportedField(field: string, version: number): never {
  throw new RangeError(`${field} is set but version ${version} cannot carry it`);
}
