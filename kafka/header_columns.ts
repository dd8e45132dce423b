/**
 * The headers of a consumed batch as columns: one buffer holding every header value and one
 * entry per header, so a hot path reads them without an array and a tuple per header.
 *
 * @module
 */

const decoder = new TextDecoder();
/** Distinct names kept for interning: header names repeat (a handful per topic). */
const MAX_INTERNED = 64;

/**
 * Headers `firsts[i] .. firsts[i + 1] - 1` belong to record `i`, in the order the record
 * carries them (duplicate names included). Header `h` is named `names[h]`; its value is
 * `bytes[valueStarts[h] .. valueStarts[h] + valueLengths[h])`, a length of -1 meaning `null`.
 * Every array is owned by this batch.
 */
export class HeaderColumns {
  /** Where each record's headers start; one more entry than records. */
  readonly firsts: Int32Array<ArrayBuffer>;
  /** Each header's name (interned: equal names are the same string). */
  readonly names: string[] = [];
  /** Where each header's value starts in {@linkcode bytes}. */
  valueStarts: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** Each header value's length in bytes, -1 for `null`. */
  valueLengths: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** The copied header values (and names) of the batch. */
  bytes: Uint8Array<ArrayBuffer> = new Uint8Array(0);

  /** Creates columns for `records` records (fill `firsts` and the header arrays). */
  constructor(records: number) {
    this.firsts = new Int32Array(records + 1);
  }

  /** How many headers record `i` has. */
  count(i: number): number {
    return this.firsts[i + 1] - this.firsts[i];
  }

  /** Header `h`'s value as a view into {@linkcode bytes}, `null` for a null value. */
  value(h: number): Uint8Array<ArrayBuffer> | null {
    const length = this.valueLengths[h];
    if (length < 0) return null;
    const start = this.valueStarts[h];
    return this.bytes.subarray(start, start + length);
  }

  /** Record `i`'s headers in the shape of `ConsumerRecord.headers`. */
  headersOf(i: number): Array<[string, Uint8Array | null]> {
    const end = this.firsts[i + 1];
    const headers: Array<[string, Uint8Array | null]> = [];
    for (let h = this.firsts[i]; h < end; h++) headers.push([this.names[h], this.value(h)]);
    return headers;
  }
}

/**
 * Decodes header names once: a name whose bytes equal one seen before is the same string, so
 * a batch of repeating names decodes a few strings instead of one per header.
 */
export class NameInterner {
  readonly #bytes: Uint8Array[] = [];
  readonly #names: string[] = [];

  /** The name in `bytes[start .. start + length)`. */
  intern(bytes: Uint8Array, start: number, length: number): string {
    const known = this.#bytes;
    for (let k = 0; k < known.length; k++) {
      const candidate = known[k];
      if (candidate.length === length && sameBytes(candidate, bytes, start)) return this.#names[k];
    }
    const slice = bytes.slice(start, start + length);
    const name = decoder.decode(slice);
    if (known.length < MAX_INTERNED) {
      known.push(slice);
      this.#names.push(name);
    }
    return name;
  }
}

function sameBytes(candidate: Uint8Array, bytes: Uint8Array, start: number): boolean {
  for (let b = 0; b < candidate.length; b++) {
    if (candidate[b] !== bytes[start + b]) return false;
  }
  return true;
}
