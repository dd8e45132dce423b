/**
 * A hash index over the keys of a columnar snapshot (UTF-8 blob plus offsets), built in one
 * tight loop over the bytes: open addressing in an `Int32Array`, no JS string or object per key.
 * A lookup encodes the searched key into a reused buffer (`encodeInto`, no allocation) and
 * compares bytes, so a million restored keys cost a few typed arrays instead of a million `Map`
 * entries.
 *
 * @module
 */

const encoder = new TextEncoder();

/** FNV-1a over `bytes[from, to)`. */
function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** Row numbers of keys by their UTF-8 bytes. */
export class KeyIndex {
  readonly #bytes: Uint8Array;
  readonly #offsets: Uint32Array;
  readonly #slots: Int32Array; // row + 1, 0 = empty
  readonly #mask: number;
  #scratch = new Uint8Array(64);

  /**
   * Indexes every row of `offsets` (`count + 1` offsets into `bytes`) for which `include(row)`.
   * The keys of a snapshot are distinct, so rows are not compared while indexing (a key that
   * occurs twice anyway is found at its first row).
   */
  constructor(bytes: Uint8Array, offsets: Uint32Array, include: (row: number) => boolean) {
    this.#bytes = bytes;
    this.#offsets = offsets;
    const count = offsets.length - 1;
    let size = 16;
    while (size < count * 2) size *= 2;
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
    for (let row = 0; row < count; row++) {
      if (!include(row)) continue;
      const from = offsets[row], to = offsets[row + 1];
      let slot = hashBytes(bytes, from, to) & this.#mask;
      while (this.#slots[slot] !== 0) slot = (slot + 1) & this.#mask;
      this.#slots[slot] = row + 1;
    }
  }

  /** The row of `key`, or -1. */
  find(key: string): number {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.#scratch.length < key.length * 3) this.#scratch = new Uint8Array(key.length * 3);
    const scratch = this.#scratch;
    // ASCII (the usual device id) is copied in JS: `encodeInto` is a call into the runtime.
    let length = 0;
    while (length < key.length) {
      const c = key.charCodeAt(length);
      if (c >= 0x80) break;
      scratch[length++] = c;
    }
    if (length < key.length) length = encoder.encodeInto(key, scratch).written;
    const bytes = this.#bytes, offsets = this.#offsets;
    let slot = hashBytes(scratch, 0, length) & this.#mask;
    for (;;) {
      const at = this.#slots[slot];
      if (at === 0) return -1;
      const from = offsets[at - 1];
      if (offsets[at] - from === length) {
        let i = 0;
        while (i < length && bytes[from + i] === scratch[i]) i++;
        if (i === length) return at - 1;
      }
      slot = (slot + 1) & this.#mask;
    }
  }
}
