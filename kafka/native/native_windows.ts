/**
 * Reads of native memory without copying it first: `Deno.UnsafePointerView.getArrayBuffer()`
 * views over fixed, aligned windows of the address space, created once and kept in a small
 * cache. The consumer reads every message struct of a batch through them instead of copying the
 * structs out (a struct is 104 bytes, but librdkafka allocates each inside a ~300-byte op, so
 * copying runs of structs moved three times what was read).
 *
 * A view may cover unmapped pages: creating it touches no memory, and its users read only
 * addresses librdkafka handed them, of objects still alive. Views never leave `native/`.
 *
 * @module
 */

/** Bytes each window starts apart (16 MiB, aligned). */
export const WINDOW_BYTES = 1 << 24;
/** A read of at most this many bytes that starts in a window lies inside its views. */
export const MAX_READ = 4096;
/** How many windows are cached: a batch's structs usually lie within one to three. */
const SLOTS = 16;
/** Page 0 is never mapped, and a null pointer cannot carry a view: window 0 starts here. */
const FIRST_ADDRESS = 4096;

/** One window's views. */
export interface NativeWindow {
  /** The native address of byte 0 of the views. */
  readonly base: number;
  /** Reads that start in `[base, limit)` and span at most {@linkcode MAX_READ} bytes fit. */
  readonly limit: number;
  /** The window's memory (`limit - base + MAX_READ` bytes). */
  readonly buffer: ArrayBuffer;
  /** The window as signed 32-bit words (`base` is 4096-aligned, so aligned fields index it). */
  readonly i32: Int32Array;
  /** The window as unsigned 32-bit words. */
  readonly u32: Uint32Array;
}

/** A cache of window views; one per reader (views are cheap to create, but not per message). */
export class NativeWindows {
  readonly #keys = new Float64Array(SLOTS).fill(-1);
  readonly #windows: (NativeWindow | undefined)[] = new Array(SLOTS);
  #next = 0;

  /** The window holding `address` (its views cover the next {@linkcode MAX_READ} bytes too). */
  at(address: number): NativeWindow {
    const key = Math.floor(address / WINDOW_BYTES);
    for (let s = 0; s < SLOTS; s++) {
      if (this.#keys[s] === key) return this.#windows[s]!;
    }
    const base = Math.max(key * WINDOW_BYTES, FIRST_ADDRESS);
    if (!(address >= base)) throw new RangeError(`address ${address} is not readable`);
    const limit = (key + 1) * WINDOW_BYTES;
    const buffer = Deno.UnsafePointerView.getArrayBuffer(
      Deno.UnsafePointer.create(BigInt(base))!,
      limit + MAX_READ - base,
    );
    const window = {
      base,
      limit,
      buffer,
      i32: new Int32Array(buffer),
      u32: new Uint32Array(buffer),
    };
    const slot = this.#next;
    this.#next = (slot + 1) % SLOTS;
    this.#keys[slot] = key;
    this.#windows[slot] = window;
    return window;
  }

  /**
   * A copy of the `length` bytes at `address` in a new buffer of its own, or `null` when they
   * do not lie in one window's views. Unlike a new `Uint8Array` filled afterwards, the copy is
   * not zero-filled first.
   */
  slice(address: number, length: number): Uint8Array<ArrayBuffer> | null {
    const window = this.at(address);
    const start = address - window.base;
    if (start + length > window.buffer.byteLength) return null;
    return new Uint8Array(window.buffer.slice(start, start + length));
  }
}
